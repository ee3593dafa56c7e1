"""Serve MathJax 3.2.2 from the built site itself, so its formulas render with no network.

At build time (HTML builders only) this extension takes npm's ``mathjax`` 3.2.2 tarball,
checks it against the checksums pinned here, extracts what the ``tex-mml-chtml``
component loads (the component, the TeX extensions it autoloads, such as ``color``, and the
CHTML woff-v2 fonts) into ``_static/mathjax/``, and points ``mathjax_path`` there.

The tarball is taken from, in order: the file named by ``TRTDECONV_MATHJAX_TGZ``; the
cache folder (conf value ``trtdeconv_mathjax_cache``, else ``TRTDECONV_MATHJAX_CACHE``, else
``.mathjax-cache`` beside the output folder); the npm registry, whose download is then
cached. A checksum mismatch or a failed download stops the build with an error that says
how to provide the file. The files are extracted once per cache folder, which builds running at
the same time may share; later builds reuse them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import tarfile
import urllib.request
from pathlib import Path, PurePosixPath
from typing import List

from sphinx.errors import ExtensionError

VERSION = "3.2.2"
TARBALL_URL = f"https://registry.npmjs.org/mathjax/-/mathjax-{VERSION}.tgz"
SHA512 = "Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
"""The registry's ``dist.integrity`` for mathjax 3.2.2 (base64 SHA-512 of the tarball)."""
SHA1 = "c754d7b46a679d7f3fa03543d6b8bf124ddf9f6b"
"""The registry's ``dist.shasum`` for mathjax 3.2.2."""
TARBALL_VARIABLE = "TRTDECONV_MATHJAX_TGZ"
CACHE_VARIABLE = "TRTDECONV_MATHJAX_CACHE"
ROOT = "package/es5/"
WANTED = ("tex-mml-chtml.js", "input/tex/extensions/", "output/chtml/fonts/woff-v2/")
"""Paths under ``package/es5/`` that ``tex-mml-chtml.js`` loads: itself, autoloaded TeX extensions, fonts."""
STATIC_FOLDER = "mathjax"
EXTRACTED = "extracted.txt"
"""Written last into a cache's ``static-<version>`` folder: the files extracted there, all present."""


def _how_to_provide(cache: Path) -> str:
    return (f"download {TARBALL_URL} on a machine with network and either set "
            f"{TARBALL_VARIABLE}=/path/to/mathjax-{VERSION}.tgz or copy it to {cache / Path(TARBALL_URL).name}")


def verify(data: bytes, origin: str) -> bytes:
    """Return ``data`` if it is the pinned tarball, else raise :class:`ExtensionError` naming ``origin``."""
    sha512 = base64.b64encode(hashlib.sha512(data).digest()).decode()
    sha1 = hashlib.sha1(data).hexdigest()
    if sha512 != SHA512 or sha1 != SHA1:
        raise ExtensionError(
            f"{origin} is not mathjax {VERSION}: sha512 {sha512} (expected {SHA512}), "
            f"sha1 {sha1} (expected {SHA1}); refusing to use it")
    return data


def tarball(cache: Path) -> bytes:
    """The verified tarball, from ``TRTDECONV_MATHJAX_TGZ``, the cache, or the registry (then cached)."""
    given = os.environ.get(TARBALL_VARIABLE)
    if given:
        path = Path(given)
        if not path.is_file():
            raise ExtensionError(f"{TARBALL_VARIABLE}={given}: no such file")
        return verify(path.read_bytes(), str(path))
    cached = cache / Path(TARBALL_URL).name
    if cached.is_file():
        return verify(cached.read_bytes(), str(cached))
    try:
        with urllib.request.urlopen(TARBALL_URL, timeout=60) as response:
            data = response.read()
    except OSError as error:
        raise ExtensionError(f"could not fetch {TARBALL_URL} ({error}); {_how_to_provide(cache)}") from None
    verify(data, TARBALL_URL)
    cache.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")  # each process its own: builds run in parallel
    partial.write_bytes(data)
    partial.replace(cached)
    return data


def extract(data: bytes, target: Path) -> List[str]:
    """Write the :data:`WANTED` regular files under ``package/es5/`` into ``target``; return their paths."""
    written = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile() or not member.name.startswith(ROOT):
                continue
            relative = PurePosixPath(member.name[len(ROOT):])
            if ".." in relative.parts or not str(relative).startswith(WANTED):
                continue
            destination = target.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())
            written.append(str(relative))
    if WANTED[0] not in written:
        raise ExtensionError(f"the mathjax tarball has no {ROOT}{WANTED[0]}")
    return written


def install_static(data: bytes, static: Path) -> None:
    """Extract ``data`` into the folder ``static`` (then holding :data:`EXTRACTED`), safely beside other builds.

    The languages build in parallel processes that share one cache: each extracts into a folder
    of its own and renames it into place; the first rename wins, the others' copies are dropped.
    """
    static.parent.mkdir(parents=True, exist_ok=True)
    mine = static.with_name(f"{static.name}.{os.getpid()}.tmp")
    shutil.rmtree(mine, ignore_errors=True)
    written = extract(data, mine / STATIC_FOLDER)
    (mine / EXTRACTED).write_text("\n".join(written) + "\n", encoding="utf-8")
    if (static.exists() and not (static / EXTRACTED).is_file()):  # left incomplete by an older build
        shutil.rmtree(static, ignore_errors=True)
    try:
        mine.rename(static)
    except OSError:  # another build put its complete copy there first
        shutil.rmtree(mine, ignore_errors=True)


def cache_folder(app) -> Path:
    """Where the tarball and the extracted files are kept between builds."""
    configured = app.config.trtdeconv_mathjax_cache or os.environ.get(CACHE_VARIABLE)
    return Path(configured) if configured else Path(app.outdir).resolve().parent / ".mathjax-cache"


def _install(app) -> None:
    if app.builder.format != "html":
        return
    cache = cache_folder(app)
    static = cache / f"static-{VERSION}"
    if not (static / EXTRACTED).is_file():
        try:
            install_static(tarball(cache), static)
        except ExtensionError as error:
            # SystemExit, not an exception: Sphinx answers an exception in a hook with a crash report
            raise SystemExit(f"trtdeconv-docs: MathJax: {error}") from None
    app.config.html_static_path = list(app.config.html_static_path) + [str(static)]
    app.config.mathjax_path = f"{STATIC_FOLDER}/{WANTED[0]}"


def setup(app):
    """Register ``trtdeconv_mathjax_cache`` and the builder-inited hook; loads ``sphinx.ext.mathjax``."""
    app.setup_extension("sphinx.ext.mathjax")
    app.add_config_value("trtdeconv_mathjax_cache", None, "", types=frozenset({str, type(None)}))
    app.connect("builder-inited", _install)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
