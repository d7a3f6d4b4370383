"""The worker raises its open-file limit to cover its pushes in flight, within the hard limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from webapp.reminders.cli import allow_open_files

resource = pytest.importorskip("resource")


@pytest.fixture
def low_soft_limit() -> Iterator[tuple[int, int]]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2048:
        pytest.skip("hard limit too low here to test raising")
    resource.setrlimit(resource.RLIMIT_NOFILE, (512, hard))
    yield 512, hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_soft_limit_is_raised_to_what_the_pushes_in_flight_need(low_soft_limit) -> None:
    assert allow_open_files(1256) == 1256
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == 1256


def test_a_limit_already_high_enough_is_left_alone(low_soft_limit) -> None:
    assert allow_open_files(300) == 512
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == 512


def test_the_hard_limit_is_the_ceiling(low_soft_limit, caplog) -> None:
    _soft, hard = low_soft_limit
    if hard == resource.RLIM_INFINITY:
        pytest.skip("no hard limit here")
    assert allow_open_files(hard + 1000) == hard
    assert "open files limited" in caplog.text
