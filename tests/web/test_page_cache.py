"""The /today page cache: a cached page is the page a fresh render would give.

Two apps share one database, as two gunicorn workers do: one keeps pages
(webapp/page_cache.py), the other renders every request. A person walks random
sequences of real actions (saves by form, htmx and the JSON API, edits, deletes and
restores, emergencies and their acknowledgement, answers and skips, settings and
timezone changes, the day changing, logging out and in), and after every step the
cached /today (page, htmx fragment and ?saved=) must equal the fresh one, but for
the CSRF token and the new entry's fresh id.
"""

from __future__ import annotations

import datetime as dt
import gzip
import random
import re
import uuid

import pytest

from tests.support import AuthActions, create_user, csrf_from, htmx, make_app
from webapp.diary import days as diary_days
from webapp.extensions import db

ZONES = ["Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Los_Angeles", "UTC"]
_FRESH_ID = re.compile(r'(<input id="id" name="id" type="hidden" value=")([0-9a-f-]{36})(")')


def normalised(html: str) -> str:
    """The page without its per-request values: the CSRF token and the fresh entry id."""
    try:
        token = csrf_from(html)
    except AssertionError:
        token = None
    if token:
        html = html.replace(token, "CSRF")
    return _FRESH_ID.sub(r"\1FRESH\3", html)


def fresh_id(html: str) -> str | None:
    match = _FRESH_ID.search(html)
    return match.group(2) if match else None


@pytest.fixture
def twin_apps(database_uri, tmp_path, monkeypatch):
    """(caching app, plain app) on the same database, with a clock the test can move."""
    cached = make_app(database_uri, tmp_path / "cached", PAGE_CACHE=True, PAGE_CACHE_VERIFY=False)
    plain = make_app(database_uri, tmp_path / "plain", PAGE_CACHE=False)
    clock = {"now": dt.datetime.now(dt.UTC)}
    real_local_today = diary_days.local_today

    def local_today(zone_name, now=None):
        return real_local_today(zone_name, now or clock["now"])

    monkeypatch.setattr(diary_days, "local_today", local_today)
    yield cached, plain, clock
    from tests.support import empty_tables

    empty_tables(cached)
    with plain.app_context():
        db.engine.dispose()  # its pooled connections, closed rather than left to the collector


class Person:
    """One person's phone (the caching app) and a twin client reading the plain app."""

    def __init__(self, cached, plain, rng: random.Random, clock) -> None:
        self.cached_app, self.plain_app = cached, plain
        self.client = cached.test_client()
        self.twin = plain.test_client()
        self.auth = AuthActions(self.client)
        self.rng = rng
        self.clock = clock
        self.saved: list[str] = []
        self.logged_in = False
        self.acknowledged = 0
        self.gzipped = 0

    # --- what the person does ---------------------------------------------------
    def today(self) -> dt.date:
        from webapp.models import User

        with self.cached_app.app_context():
            from webapp.extensions import db

            zone = db.session.scalar(db.select(User.timezone))
        return diary_days.local_today(zone)

    def answers(self) -> dict[str, object]:
        rng = self.rng
        day = self.today() - dt.timedelta(days=rng.choice([0, 0, 0, 1, 2, 5, 13, 20]))
        entry: dict[str, object] = {
            "id": str(uuid.uuid4()),
            "date": day.isoformat(),
            "pain": rng.randint(0, 10),
        }
        if rng.random() < 0.7:
            entry["locations"] = rng.sample(["center", "inner", "outer", "calf", "thigh"], 2)
        if rng.random() < 0.6:
            entry["activity"] = rng.choice(["running", "cycling", "walking", "none"])
        if rng.random() < 0.25:  # the signs of a DVT: an emergency
            entry.update(calf_swelling=True, calf_redness=True)
        if rng.random() < 0.2:
            entry["notes"] = rng.choice(["sore behind the knee", "calf hot and swollen", "fine"])
        return entry

    def save_json(self) -> None:
        entry = self.answers()
        answer = self.client.post("/api/entries", json=entry, headers=self.auth.headers)
        assert answer.status_code in (201, 200, 422), answer.get_data(as_text=True)
        if answer.status_code == 201:
            self.saved.append(entry["id"])

    def save_form(self, fragment: bool) -> None:
        entry = self.answers()
        data: dict[str, object] = {"csrf_token": self.auth.csrf}
        for name, value in entry.items():
            if isinstance(value, bool):
                data[name] = "yes" if value else "no"
            else:
                data[name] = value if isinstance(value, list) else str(value)
        headers = htmx(self.auth.headers) if fragment else {}
        answer = self.client.post("/entries", data=data, headers=headers)
        assert answer.status_code in (201, 303, 422), answer.status_code
        if answer.status_code in (201, 303):
            self.saved.append(str(entry["id"]))

    def edit(self) -> None:
        if not self.saved:
            return
        entry_id = self.rng.choice(self.saved)
        data = {
            "csrf_token": self.auth.csrf,
            "id": entry_id,
            "date": self.today().isoformat(),
            "pain": str(self.rng.randint(0, 10)),
            "locations": ["calf"],
            "calf_swelling": self.rng.choice(["yes", "no"]),
            "calf_redness": "yes",
        }
        assert self.client.post(f"/entries/{entry_id}", data=data).status_code in (303, 422)

    def delete(self) -> None:
        if not self.saved:
            return
        entry_id = self.saved.pop(self.rng.randrange(len(self.saved)))
        self.client.post(f"/entries/{entry_id}/delete", data={"csrf_token": self.auth.csrf})
        if self.rng.random() < 0.5:
            self.client.post(f"/entries/{entry_id}/restore", data={"csrf_token": self.auth.csrf})
            self.saved.append(entry_id)

    def acknowledge(self) -> None:
        page = self.client.get("/today").get_data(as_text=True)
        block = re.search(r'<section class="emergency-interrupt".*?</section>', page, re.S)
        if not block:
            return
        code = re.search(r'name="code" value="([^"]+)"', block.group(0))
        raised_by = re.findall(r'name="raised_by" value="([^"]+)"', block.group(0))
        if code and raised_by:
            data = {"csrf_token": self.auth.csrf, "code": code.group(1), "raised_by": raised_by}
            assert self.client.post("/emergency/acknowledge", data=data).status_code == 303
            self.acknowledged += 1

    def answer_question(self) -> None:
        if not self.saved:
            return
        page = self.client.get(f"/today?saved={self.saved[-1]}").get_data(as_text=True)
        form = re.search(r'<form[^>]+action="/questions/(answer|skip)".*?</form>', page, re.S)
        if not form:
            return
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
        fields["csrf_token"] = self.auth.csrf
        self.client.post(f"/questions/{form.group(1)}", data=fields)

    def settings(self) -> None:
        data = {
            "csrf_token": self.auth.csrf,
            "profile-csrf_token": self.auth.csrf,
            "profile-display_name": self.rng.choice(["", "Sam", "Ana María"]),
            "profile-timezone": self.rng.choice(ZONES),
            "profile-emergency_number": self.rng.choice(["", "999", "+44 20 7946 0000"]),
        }
        answer = self.client.post("/account/profile", data=data)
        assert answer.status_code == 303, answer.get_data(as_text=True)

    def phone_zone(self) -> None:
        data = {"csrf_token": self.auth.csrf, "timezone": self.rng.choice(ZONES), "next": "/today"}
        assert self.client.post("/account/timezone", data=data).status_code == 303

    def next_day(self) -> None:
        self.clock["now"] += dt.timedelta(hours=self.rng.choice([3, 11, 24, 30]))

    def log_out_and_in(self) -> None:
        self.auth.logout()
        self.logged_in = False
        self.compare()  # signed out: both send the person to the login page
        self.auth.login()
        self.logged_in = True

    # --- the check ----------------------------------------------------------------
    def compare(self) -> None:
        self.client.get("/account")  # shows (and so clears) any flashed message
        cookie = self.client.get_cookie("session")
        if cookie is None:
            self.twin.delete_cookie("session")
        else:
            self.twin.set_cookie("session", cookie.value)
        paths = ["/today"]
        if self.saved:
            paths.append(f"/today?saved={self.saved[-1]}")
        for path in paths:
            for headers in ({}, {"HX-Request": "true", "HX-Target": "main"}):
                first = self.client.get(path, headers=headers)
                second = self.client.get(path, headers=headers)
                # A hit for a browser that takes gzip: pieces compressed once, joined.
                packed = self.client.get(path, headers={**headers, "Accept-Encoding": "gzip, br"})
                fresh = self.twin.get(path, headers=headers)
                assert first.status_code == second.status_code == fresh.status_code
                if fresh.status_code != 200:
                    assert first.headers.get("Location") == fresh.headers.get("Location")
                    continue
                pages = [r.get_data(as_text=True) for r in (first, second, fresh)]
                assert packed.headers["Content-Encoding"] in ("gzip", "br")
                if packed.headers["Content-Encoding"] == "gzip":
                    pages.append(gzip.decompress(packed.get_data()).decode())
                    self.gzipped += 1
                for page in pages[:2] + pages[3:]:
                    assert normalised(page) == normalised(pages[2]), path
                ids = [fresh_id(page) for page in pages]
                # Every form shown gets its own new id, from the cache too.
                assert len(set(ids)) == len(ids), ids


ACTIONS = [
    ("save_json", 4),
    ("save_form", 3),
    ("save_fragment", 2),
    ("edit", 2),
    ("delete", 2),
    ("acknowledge", 3),
    ("answer_question", 2),
    ("settings", 1),
    ("phone_zone", 1),
    ("next_day", 2),
    ("log_out_and_in", 1),
]


@pytest.mark.parametrize("seed", range(6))
def test_cached_today_equals_a_fresh_render_across_random_actions(twin_apps, seed):
    cached, plain, clock = twin_apps
    create_user(cached)
    person = Person(cached, plain, random.Random(seed), clock)
    person.auth.login()
    person.compare()
    names = [name for name, weight in ACTIONS for _ in range(weight)]
    for _ in range(18):
        action = person.rng.choice(names)
        if action == "save_fragment":
            person.save_form(fragment=True)
        elif action == "save_form":
            person.save_form(fragment=False)
        else:
            getattr(person, action)()
        person.compare()
    stats = cached.extensions["page_cache"]
    assert stats.hits > 0 and stats.misses > 0 and person.gzipped > 0


def test_a_logout_elsewhere_ends_the_cached_page_at_once(twin_apps):
    """Another worker ends the session: this worker's cache must not show the page."""
    cached, plain, _clock = twin_apps
    create_user(cached)
    phone = cached.test_client()
    AuthActions(phone).login()
    assert phone.get("/today").status_code == 200
    assert phone.get("/today").status_code == 200  # now from the cache
    laptop = plain.test_client()
    laptop_auth = AuthActions(laptop)
    laptop_auth.login()
    laptop_auth.logout()  # "log out" ends every session of the person
    answer = phone.get("/today")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_password_change_elsewhere_ends_the_cached_page_at_once(twin_apps):
    cached, plain, _clock = twin_apps
    create_user(cached)
    phone = cached.test_client()
    AuthActions(phone).login()
    phone.get("/today")
    assert phone.get("/today").status_code == 200
    laptop = plain.test_client()
    laptop_auth = AuthActions(laptop)
    laptop_auth.login()
    answer = laptop_auth.change_password("an entirely new passphrase")
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:500]
    gone = phone.get("/today")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]


def test_a_page_with_an_unexplained_id_is_not_kept(twin_apps, monkeypatch):
    """A UUID the cache cannot account for (neither stored nor a form's fresh id)."""
    cached, _plain, _clock = twin_apps
    create_user(cached)
    phone = cached.test_client()
    AuthActions(phone).login()
    import webapp.page_cache as page_cache

    stray = str(uuid.uuid4())
    original = page_cache._normalised

    def with_stray(response):
        response.set_data(response.get_data(as_text=True).replace("</main>", stray + "</main>"))
        return original(response)

    monkeypatch.setattr(page_cache, "_normalised", with_stray)
    stats = cached.extensions["page_cache"]
    phone.get("/today")
    phone.get("/today")
    assert stats.hits == 0 and stats.refused == 2
