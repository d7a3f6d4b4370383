"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for the tests."""

from __future__ import annotations

import email
import queue
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from webapp.mail.sender import wait_for_outgoing


class Inbox:
    """What the server received: one parsed message per DATA."""

    def __init__(self) -> None:
        self.messages: queue.Queue[Message] = queue.Queue()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.put(message)
        return "250 Message accepted"

    def next(self, timeout: float = 10) -> Message:
        return self.messages.get(timeout=timeout)

    def empty_after(self, seconds: float) -> bool:
        try:
            self.messages.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, str]]:
    """Start the server; yields its inbox and the MAIL_URL that reaches it."""
    inbox = Inbox()
    port = _free_port()
    # A generous start-up wait: on a loaded machine the default 5 s was seen to run out.
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=30)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}"
    finally:
        # A test may end while a mail it caused is still being sent (a password set
        # without reading the notice): stopping the server under it left an unclosed
        # socket that failed the next test.
        wait_for_outgoing()
        controller.stop()


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def link_in(message: Message) -> str:
    """The path of the first http(s) link of a plain-text mail."""
    match = re.search(r"https?://[^/\s]+(/\S+)", body_of(message))
    assert match, body_of(message)
    return match.group(1)
