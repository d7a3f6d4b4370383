"""The shell's version and the worker's settings (pure code, no Flask)."""

from __future__ import annotations

from webapp.pwa import shell


def test_version_changes_when_any_shell_file_changes(tmp_path):
    css = tmp_path / "app.css"
    js = tmp_path / "app.js"
    css.write_text("body {}")
    js.write_text("1;")
    before = shell.shell_version([css, js])
    assert shell.shell_version([js, css]) == before  # order does not matter
    js.write_text("2;")
    assert shell.shell_version([css, js]) != before


def test_version_changes_with_the_manifest_text(tmp_path):
    css = tmp_path / "app.css"
    css.write_text("body {}")
    assert shell.shell_version([css], ["a"]) != shell.shell_version([css], ["b"])


def test_files_under_lists_nested_files_in_a_stable_order(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "b.js").write_text("")
    (tmp_path / "a.css").write_text("")
    assert shell.files_under(tmp_path, tmp_path / "missing") == [
        tmp_path / "a.css",
        tmp_path / "js" / "b.js",
    ]


def test_worker_settings_import_the_queue_first_and_each_script_once():
    settings = shell.worker_settings(
        version="v1",
        static_url="/static/",
        offline_url="/offline",
        manifest_url="/manifest.webmanifest",
        worker_scripts=["/static/js/sw-push.js", "/static/js/offline-queue.js"],
        page_timeout_ms=3000,
    )
    assert settings["imports"] == ["/static/js/offline-queue.js", "/static/js/sw-push.js"]
    assert settings["precache"].count("/static/js/offline-queue.js") == 1
    assert "/static/js/sw-push.js" in settings["precache"]
    assert settings["staticPrefix"] == "/static/"


def test_queue_owner_key_is_stable_per_person_and_secret():
    key = shell.queue_owner_key("secret", 7)
    assert key == shell.queue_owner_key("secret", 7)
    assert key != shell.queue_owner_key("secret", 8)
    assert key != shell.queue_owner_key("other secret", 7)
    assert len(key) == 24
