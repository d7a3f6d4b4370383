"""Static files: content-hashed names, precompressed copies, long-lived caching.

At start the app hashes every file under static/ and lays out a build folder with,
for each file, its own name and a hashed one (``css/app.css`` and
``css/app.3f2a9c01b7d4.css``), plus Brotli and gzip copies of the text types.
Our own scripts and stylesheets are minified there (comments and whitespace only,
by rjsmin and rcssmin; licence comments kept); static/ keeps the readable source.
WhiteNoise serves that folder at /static/ in front of Flask: hashed names with
``Cache-Control: public, max-age=31536000, immutable``, the plain names (which
other code may still hard-code) with ``no-cache`` so they revalidate.

``url_for('static', filename=...)`` yields the hashed name (a url_defaults hook),
so templates, the manifest and the service worker's shell list follow the
content without knowing about it.

The build folder is keyed by a digest of every file, made once per content (two
workers starting together make it at most twice, each atomically) and reused
after: by default under build/static/ in the project, else the temp folder.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import brotli
import rcssmin
import rjsmin
from flask import Flask
from werkzeug.datastructures import Headers
from whitenoise import WhiteNoise

HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".webmanifest", ".txt", ".map", ".LICENSE"}
BUILD_COMPLETE = ".complete"

# Built manifests by (static folder, digest): every app of a process shares one.
_built: dict[tuple[str, str], tuple[Path, dict[str, str]]] = {}


def hashed_name(relative: str, digest: str) -> str:
    """``css/app.css`` -> ``css/app.<digest>.css`` (the digest goes before the suffix)."""
    folder, _, name = relative.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def scan(static_folder: Path) -> tuple[str, dict[str, tuple[Path, str]]]:
    """(digest of the whole folder, {relative path: (file, its content hash)})."""
    files: dict[str, tuple[Path, str]] = {}
    whole = hashlib.sha256()
    for path in sorted(p for p in static_folder.rglob("*") if p.is_file()):
        relative = path.relative_to(static_folder).as_posix()
        content = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        files[relative] = (path, content)
        whole.update(f"{relative}\0{content}\0".encode())
    return whole.hexdigest()[:16], files


def _compress_copies(path: Path) -> None:
    data = path.read_bytes()
    packed_br = brotli.compress(data, quality=11)
    packed_gz = gzip.compress(data, compresslevel=9, mtime=0)
    # WhiteNoise only serves a compressed copy that is smaller; skip useless ones.
    if len(packed_br) < len(data):
        Path(f"{path}.br").write_bytes(packed_br)
    if len(packed_gz) < len(data):
        Path(f"{path}.gz").write_bytes(packed_gz)


def _write_served(source: Path, destination: Path) -> None:
    """The file as served: our scripts and stylesheets minified, anything else as it is."""
    name = source.name
    if name.endswith(".js") and not name.endswith(".min.js"):
        text = rjsmin.jsmin(source.read_text(encoding="utf-8"), keep_bang_comments=True)
        destination.write_text(text, encoding="utf-8")
    elif name.endswith(".css") and not name.endswith(".min.css"):
        text = rcssmin.cssmin(source.read_text(encoding="utf-8"), keep_bang_comments=True)
        destination.write_text(text, encoding="utf-8")
    else:
        shutil.copyfile(source, destination)


def _build(files: dict[str, tuple[Path, str]], target: Path) -> dict[str, str]:
    """Lay out the build folder at ``target`` (atomically); return {name: hashed name}."""
    manifest = {
        relative: hashed_name(relative, content) for relative, (_p, content) in files.items()
    }
    if (target / BUILD_COMPLETE).exists():
        return manifest
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        for relative, (source, _content) in files.items():
            for name in (relative, manifest[relative]):
                destination = work / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                _write_served(source, destination)
                if source.suffix in COMPRESSIBLE:
                    _compress_copies(destination)
        (work / BUILD_COMPLETE).write_text("")
        try:
            os.rename(work, target)
        except OSError:
            # Another worker finished the same build first: theirs is identical.
            if not (target / BUILD_COMPLETE).exists():
                raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return manifest


def _build_roots(app: Flask) -> list[Path]:
    configured = app.config.get("STATIC_BUILD_FOLDER")
    if configured:
        return [Path(configured)]
    root = Path(app.root_path).parent
    return [root / "build" / "static", Path(tempfile.gettempdir()) / "fossa-static"]


def build_static(app: Flask) -> tuple[Path, dict[str, str]]:
    """The build folder and manifest for the app's static folder, made if needed."""
    static_folder = Path(app.static_folder or "static")
    digest, files = scan(static_folder)
    key = (str(static_folder), digest)
    if key in _built:
        return _built[key]
    error: OSError | None = None
    for root in _build_roots(app):
        try:
            target = root / digest
            manifest = _build(files, target)
        except OSError as exc:  # a read-only slug: try the next place
            error = exc
            continue
        _built[key] = (target, manifest)
        return _built[key]
    raise RuntimeError(f"cannot write the static build folder: {error}")


def init_static_files(app: Flask) -> None:
    """Serve static/ through WhiteNoise with hashed names; url_for yields them."""
    folder, manifest = build_static(app)
    hashed = set(manifest.values())
    app.extensions["static_manifest"] = manifest
    prefix = (app.static_url_path or "/static").strip("/") + "/"

    def add_headers(headers: Headers, _path: str, url: str) -> None:
        name = url[len(prefix) + 1 :]
        headers["Cache-Control"] = IMMUTABLE if name in hashed else "no-cache"
        headers["X-Content-Type-Options"] = "nosniff"
        del headers["Access-Control-Allow-Origin"]  # WhiteNoise's default; not needed

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app, root=str(folder), prefix=prefix, add_headers_function=add_headers
    )

    @app.url_defaults
    def hashed_static(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]


def hashed_static_url(app: Flask, url: str) -> str:
    """``/static/js/app.js`` -> its hashed URL; any other URL is returned as it is."""
    manifest = app.extensions.get("static_manifest", {})
    prefix = f"{app.static_url_path}/"
    if url.startswith(prefix) and url[len(prefix) :] in manifest:
        return prefix + manifest[url[len(prefix) :]]
    return url
