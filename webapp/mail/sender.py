"""One way to send a message, chosen by ``MAIL_URL``.

- unset (the embedded default): the message is written to ``instance/mail/`` and
  logged to the console, so a fresh clone works without a mail server;
- ``smtp://host:port``: plain SMTP (a local relay);
- ``smtp+starttls://user:password@host:587``: SMTP upgraded with STARTTLS;
- ``smtps://user:password@host:465``: SMTP over TLS from the first byte.

TLS connections verify the server's certificate against the system's CA store
(``MAIL_TLS_VERIFY=false`` turns that off for a self-signed test relay only).
SMTP runs in a background thread with a short timeout: a slow mail server never
holds a worker, and the time a "forgot password" answer takes does not tell
whether the address has an account.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from flask import current_app, render_template

from webapp.validation import split_url

log = logging.getLogger("fossa.mail")
SMTP_TIMEOUT = 10
_SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None
    verify: bool


def parse_mail_url(url: str, verify: bool = True) -> SmtpSettings:
    """MAIL_URL as SMTP settings; a ValueError says what is wrong with it."""
    parts = split_url(url)
    if parts is None or parts.scheme not in _SCHEMES or not parts.hostname:
        raise ValueError("MAIL_URL must look like smtp://host:25, smtp+starttls://… or smtps://…")
    return SmtpSettings(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or _SCHEMES[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        verify=verify,
    )


def build_message(to: str, subject: str, template: str, **context: Any) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="fossa")
    message.set_content(render_template(template, **context))
    return message


def send_mail(to: str, subject: str, template: str, **context: Any) -> None:
    """Render ``templates/<template>`` (plain text) and send it to ``to``."""
    message = build_message(to, subject, template, **context)
    url = current_app.config.get("MAIL_URL")
    if not url:
        _write_to_instance(message, Path(current_app.instance_path) / "mail")
        return
    settings = parse_mail_url(url, current_app.config.get("MAIL_TLS_VERIFY", True))
    thread = threading.Thread(target=_send_smtp, args=(settings, message), daemon=True)
    with _outgoing_lock:
        _outgoing.add(thread)
    thread.start()


# The sends still under way, so that whoever stops the process (or a test's mail
# server) can let them finish first instead of cutting a message off mid-connection.
_outgoing: set[threading.Thread] = set()
_outgoing_lock = threading.Lock()


def wait_for_outgoing(timeout: float = SMTP_TIMEOUT) -> bool:
    """Wait until every mail being sent has been sent or has failed; False if some
    were still going when ``timeout`` seconds had passed."""
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=timeout)
    while True:
        with _outgoing_lock:
            _outgoing.difference_update([t for t in _outgoing if not t.is_alive()])
            pending = list(_outgoing)
        if not pending:
            return True
        left = (deadline - dt.datetime.now(dt.UTC)).total_seconds()
        if left <= 0:
            return False
        pending[0].join(left)


def _write_to_instance(message: EmailMessage, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(message))
    path.chmod(0o600)
    log.warning(
        "No MAIL_URL: mail to %s (%s) written to %s\n%s",
        message["To"],
        message["Subject"],
        path,
        message.get_content(),
    )
    return path


def _send_smtp(settings: SmtpSettings, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    if not settings.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        if settings.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT)
        with client:
            if settings.scheme == "smtp+starttls":
                client.starttls(context=context)
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send mail to %s (%s)", message["To"], message["Subject"])
