"""The app shell the service worker precaches, and the version that names its cache.

Pure Python, no Flask: the blueprint hands in paths and URLs. The version is a
hash of the files themselves, so any change to a stylesheet, a script, an icon or
the worker's own template gives the worker new bytes; the browser then installs
it as an update and the page offers "New version ready — reload".
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

# Static files every page needs offline (paths under static/).
SHELL_STATIC = (
    "css/app.css",
    "js/app.js",
    "js/offline-queue.js",
    "js/note-signs.js",
    "js/live-flags.js",
    "js/emergency.js",
    "js/safety-questions.js",
    "js/local-day.js",
    "js/drafts.js",
    "js/note-length.js",
    "vendor/htmx-2.0.11.min.js",
    "icons/icon-48.png",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
    "icons/apple-touch-icon-180.png",
)

# Paths whose answers the worker never stores: exports, share links, the JSON API.
NEVER_CACHED_PREFIXES = ("/api/", "/export/", "/s/")

# Pages always asked of the network (the offline page when it is gone), never stored:
# a stored log-in page carries the CSRF token of a session that has ended, and logging
# in with it fails, after a browser restart, exactly when entries wait to be sent.
NETWORK_ONLY_PAGES = ("/login", "/register")

# State changes after which the pages cached for the person must go.
FORGET_PAGES_ON = ("/logout", "/account/delete")


def shell_version(files: Iterable[Path], extra: Sequence[str] = ()) -> str:
    """A short hash of the files' names and bytes (and any extra text, e.g. the manifest)."""
    digest = hashlib.sha256()
    for path in sorted(set(files)):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    for text in extra:
        digest.update(text.encode())
    return digest.hexdigest()[:16]


def files_under(*folders: Path) -> list[Path]:
    """Every file below the folders, in a stable order."""
    return sorted(
        p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file()
    )


def worker_settings(
    *,
    version: str,
    static_url: str,
    offline_url: str,
    manifest_url: str,
    worker_scripts: Sequence[str],
    page_timeout_ms: int,
    hashed: Callable[[str], str] = lambda url: url,
) -> dict[str, Any]:
    """What the worker template needs, as one JSON-ready dict.

    ``hashed`` maps a static URL to the content-hashed URL the pages load (see
    webapp/static_files.py), so the worker precaches and imports exactly those.
    """
    static_url = static_url.rstrip("/")
    queue_script = f"{static_url}/js/offline-queue.js"
    imports = [queue_script, *[s for s in worker_scripts if s != queue_script]]
    imports = list(dict.fromkeys(hashed(s) for s in imports))
    precache = [offline_url, manifest_url, *(hashed(f"{static_url}/{p}") for p in SHELL_STATIC)]
    precache += [s for s in imports if s not in precache]
    return {
        "version": version,
        "staticPrefix": f"{static_url}/",
        "offline": offline_url,
        "precache": precache,
        "imports": imports,
        "neverCached": list(NEVER_CACHED_PREFIXES),
        "networkOnlyPages": list(NETWORK_ONLY_PAGES),
        "forgetPagesOn": list(FORGET_PAGES_ON),
        "pageTimeoutMs": page_timeout_ms,
    }


def manifest(*, start_url: str, log_url: str, insights_url: str, icon_url: str) -> dict[str, Any]:
    """The web app manifest; ``icon_url`` maps a file name under icons/ to its URL."""
    return {
        "id": "/",
        "name": "Fossa — knee pain diary",
        "short_name": "Fossa",
        "description": "A symptom diary for pain behind the knee during exercise.",
        "lang": "en",
        "start_url": start_url,
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#0f6e66",
        "background_color": "#f6f7f5",
        "categories": ["health", "medical", "fitness"],
        "icons": [
            {"src": icon_url("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": icon_url("icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": icon_url("icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "shortcuts": [
            {
                "name": "Log now",
                "short_name": "Log",
                "description": "Log how your knee is today",
                "url": log_url,
                "icons": [{"src": icon_url("icon-96.png"), "sizes": "96x96"}],
            },
            {
                "name": "Insights",
                "description": "What your diary suggests",
                "url": insights_url,
                "icons": [{"src": icon_url("icon-96.png"), "sizes": "96x96"}],
            },
        ],
    }


def manifest_text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def queue_owner_key(secret: str, user_id: int) -> str:
    """An opaque tag for a person's queued entries, so a shared phone never uploads
    one person's offline entries into another's diary."""
    return hmac.new(secret.encode(), f"fossa-queue:{user_id}".encode(), "sha256").hexdigest()[:24]
