"""The findings cache: keyed on the diary version every write bumps, same answers as uncached.

Also issue 11's H1: a day with 1,600 flag-raising entries costs linear work on /diary.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from contextlib import contextmanager

from sqlalchemy import event

from webapp.diary import store
from webapp.extensions import db
from webapp.insights import from_diary
from webapp.insights.from_diary import cache, findings_for, flags_by_entry, red_flags_in
from webapp.models import Entry, User
from webapp.share.report import period_findings
from webapp.share.summary import Period

TODAY = dt.date(2026, 11, 26)


def random_entry(rng: random.Random, day: dt.date) -> dict:
    entry = {
        "id": str(uuid.uuid4()),
        "date": day,
        "pain": rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
        "side": rng.choice(["left", "right", "both", None]),
        "activity": rng.choice(["running", "cycling", "none", "sprinting", None]),
        "swelling": rng.choice(["none", "none", "mild", "moderate", None]),
        "calf_swelling": rng.random() < 0.08,
        "calf_tenderness": rng.random() < 0.08,
        "numbness": rng.random() < 0.05,
        "popping": rng.random() < 0.05,
        "lump": rng.random() < 0.1,
        "can_bear_weight": rng.random() > 0.05,
    }
    return {k: v for k, v in entry.items() if v is not None}


def fresh(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


@contextmanager
def uncached():
    cache.enabled = False
    try:
        yield
    finally:
        cache.enabled = True


def everything(user: User) -> tuple:
    page, _more = store.entries_page(user, None, days=28)
    period = Period(TODAY - dt.timedelta(days=89), TODAY)
    entries = store.entries_between(user, period.start - dt.timedelta(days=90), period.end)
    return (
        findings_for(user, TODAY),
        flags_by_entry(user, page),
        red_flags_in(user, period.start, period.end),
        period_findings(user, entries, period),
    )


def test_cached_findings_equal_uncached_through_random_writes(app, user):
    with app.app_context():
        for seed in range(5):
            rng = random.Random(seed)
            owner = fresh(user.id)
            for entry in list(store.entries_between(owner)):
                store.delete_entry(entry)
            for _ in range(rng.randint(0, 25)):
                day = TODAY - dt.timedelta(days=rng.randint(0, 120))
                store.save_new_entry(fresh(user.id), random_entry(rng, day))
            for _step in range(5):
                owner = fresh(user.id)
                version = owner.diary_version
                cached = everything(owner)
                assert everything(owner) == cached  # served from the cache
                with uncached():
                    assert everything(owner) == cached, f"seed {seed}"
                action = rng.choice(["add", "edit", "delete"])
                entries = store.entries_between(owner)
                if action == "add" or not entries:
                    store.save_new_entry(owner, random_entry(rng, TODAY - dt.timedelta(days=1)))
                elif action == "edit":
                    entry = rng.choice(entries)
                    answers = entry.to_diary()
                    answers["date"] = entry.date
                    answers.update(pain=(entry.pain + 1) % 11, swelling="severe")
                    store.update_entry(entry, answers)
                else:
                    store.delete_entry(rng.choice(entries))
                assert fresh(user.id).diary_version != version
        assert cache.hits > 0


def test_every_write_bumps_the_version_and_an_unchanged_save_does_not(app, user):
    with app.app_context():
        versions = [fresh(user.id).diary_version]

        def bumped() -> bool:
            versions.append(fresh(user.id).diary_version)
            return versions[-1] != versions[-2]

        entry, _ = store.save_new_entry(fresh(user.id), {"date": TODAY, "pain": 2})
        assert bumped()
        store.update_entry(entry, {"date": TODAY, "pain": 6})
        assert bumped()
        fresh(user.id).display_name = "Not diary data"
        db.session.commit()
        assert not bumped()
        document = {"format": "fossa-diary/1", "entries": [{"date": "2026-11-20", "pain": 1}]}
        assert not store.import_diary(fresh(user.id), document, TODAY).errors
        assert bumped()
        store.delete_entry(db.session.get(Entry, entry.pk))
        assert bumped()


def test_a_write_from_another_process_shows_at_once(app, client, logged_in, user):
    client.get("/insights")
    # Another worker writes straight to the database (its own session and process).
    with app.app_context():
        db.session.add(
            Entry(id=str(uuid.uuid4()), user_id=user.id, date=store.local_today(user), pain=8)
        )
        db.session.commit()
    page = client.get("/insights").get_data(as_text=True)
    assert "Severe pain, or pain that stops you bearing weight" in page


def test_new_users_start_at_unrelated_versions(app):
    with app.app_context():
        versions = set()
        for number in range(5):
            person = User(email=f"p{number}@example.com")
            person.set_password("a long password")
            db.session.add(person)
            db.session.commit()
            versions.add(person.diary_version)
        assert len(versions) == 5


def test_h1_a_day_of_1600_flag_raising_entries_costs_linear_work(app, client, logged_in, user):
    """Issue 11 H1: each flag's evidence lists every entry of the day; /diary stays linear."""
    today = store.local_today(user)
    with app.app_context():
        rows = [
            {"user_id": user.id, "id": str(uuid.uuid4()), "date": today, "pain": 9}
            for _ in range(1600)
        ]
        db.session.execute(db.insert(Entry), rows)
        db.session.commit()

    statements: list[str] = []
    with app.app_context():
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get("/diary")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("Severe pain, or pain that stops you bearing weight") >= 1600
    entry_reads = [
        s for s in statements if s.lstrip().upper().startswith("SELECT") and "entry" in s
    ]
    # The page, the newest day, "older entries?", and the lookback before the page: once each;
    # plus the Insights badge's own read of the last days (webapp/emergency/store.py), made
    # once per diary version.
    assert len(entry_reads) <= 5, entry_reads

    with app.app_context():
        owner = fresh(user.id)
        shown = store.entries_between(owner, today, today)
        with uncached():
            flags = flags_by_entry(owner, shown)
    assert len(flags) == 1600
    evidence_items = sum(len(f["evidence"]) for items in flags.values() for f in items)
    # Each entry's copy of a flag carries its own evidence only: linear, not 1600².
    assert evidence_items <= 4 * 1600
    assert all(
        item["entry_id"] == entry_id
        for entry_id, items in flags.items()
        for flag in items
        for item in flag["evidence"]
    )


def test_flags_by_entry_matches_the_engine_on_its_own_entries(app, user):
    with app.app_context():
        rng = random.Random(7)
        for offset in range(30):
            store.save_new_entry(fresh(user.id), random_entry(rng, TODAY - dt.timedelta(offset)))
        owner = fresh(user.id)
        shown = store.entries_between(owner, TODAY - dt.timedelta(days=20), TODAY)
        with uncached():
            flags = flags_by_entry(owner, shown)
        everything_then = from_diary.red_flags_by_day(
            store.entries_between(owner), TODAY - dt.timedelta(days=20), TODAY
        )
        expected: dict[str, list[str]] = {}
        for day, flag in everything_then:
            for item in flag.evidence:
                if item.date == day.isoformat() and flag.code not in expected.get(
                    item.entry_id, []
                ):
                    expected.setdefault(item.entry_id, []).append(flag.code)
        assert {k: [f["code"] for f in v] for k, v in flags.items()} == expected
