"""The offline-MathJax extension: checksums, sources of the tarball, extraction, a real Sphinx build.

A tiny fake tarball made here stands in for npm's (its checksums are pinned for the test
with monkeypatch); a local HTTP server on 127.0.0.1 stands in for the registry; the Sphinx
build is the test root ``tests/roots/test-mathjax-local``.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import tarfile
import threading
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

from trtdeconv_docs.sphinx_ext import mathjax_local

MEMBERS = {
    "package/es5/tex-mml-chtml.js": b"window.MathJax = window.MathJax || {}; /* component */",
    "package/es5/input/tex/extensions/color.js": b"/* color */",
    "package/es5/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff": b"wOFF-main",
    "package/es5/tex-svg.js": b"/* not needed */",
    "package/es5/output/svg/fonts/tex.js": b"/* not needed */",
    "package/package.json": b"{}",
    "package/es5/input/tex/extensions/../../../../../escape.js": b"/* traversal */",
}
WANTED = {"tex-mml-chtml.js", "input/tex/extensions/color.js", "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff"}


def _fake_tarball(members=MEMBERS) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        link = tarfile.TarInfo("package/es5/output/chtml/fonts/woff-v2/link.woff")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
    return buffer.getvalue()


@pytest.fixture
def fake(monkeypatch):
    """The fake tarball's bytes, with its checksums pinned in the module and no outside variables."""
    data = _fake_tarball()
    monkeypatch.setattr(mathjax_local, "SHA512", base64.b64encode(hashlib.sha512(data).digest()).decode())
    monkeypatch.setattr(mathjax_local, "SHA1", hashlib.sha1(data).hexdigest())
    monkeypatch.delenv(mathjax_local.TARBALL_VARIABLE, raising=False)
    monkeypatch.delenv(mathjax_local.CACHE_VARIABLE, raising=False)
    return data


def test_the_pinned_checksums_are_the_registrys_format():
    assert len(base64.b64decode(mathjax_local.SHA512)) == 64
    assert len(bytes.fromhex(mathjax_local.SHA1)) == 20
    assert mathjax_local.TARBALL_URL.endswith(f"/mathjax-{mathjax_local.VERSION}.tgz")


def test_extract_writes_only_what_tex_mml_chtml_loads(fake, tmp_path):
    written = mathjax_local.extract(fake, tmp_path / "mathjax")
    assert set(written) == WANTED
    files = {str(p.relative_to(tmp_path / "mathjax")) for p in (tmp_path / "mathjax").rglob("*") if p.is_file()}
    assert files == WANTED
    assert (tmp_path / "mathjax" / "tex-mml-chtml.js").read_bytes() == MEMBERS["package/es5/tex-mml-chtml.js"]
    assert not list(tmp_path.rglob("escape.js"))


def test_a_tarball_without_the_component_is_refused(tmp_path):
    data = _fake_tarball({"package/es5/input/tex/extensions/color.js": b"x"})
    with pytest.raises(ExtensionError, match="tex-mml-chtml.js"):
        mathjax_local.extract(data, tmp_path)


def test_a_checksum_mismatch_is_refused(fake, tmp_path, monkeypatch):
    wrong = tmp_path / "mathjax-3.2.2.tgz"
    wrong.write_bytes(fake + b"tampered")
    monkeypatch.setenv(mathjax_local.TARBALL_VARIABLE, str(wrong))
    with pytest.raises(ExtensionError, match=f"{wrong} is not mathjax 3.2.2: sha512 .*refusing"):
        mathjax_local.tarball(tmp_path / "cache")


def test_a_corrupt_cached_tarball_is_refused(fake, tmp_path):
    (tmp_path / "mathjax-3.2.2.tgz").write_bytes(b"not a tarball")
    with pytest.raises(ExtensionError, match="is not mathjax"):
        mathjax_local.tarball(tmp_path)


def test_the_variable_names_a_tarball(fake, tmp_path, monkeypatch):
    given = tmp_path / "given.tgz"
    given.write_bytes(fake)
    monkeypatch.setenv(mathjax_local.TARBALL_VARIABLE, str(given))
    monkeypatch.setattr(mathjax_local, "TARBALL_URL", "http://127.0.0.1:9/never-fetched.tgz")
    assert mathjax_local.tarball(tmp_path / "cache") == fake
    assert not (tmp_path / "cache").exists()


@pytest.fixture
def registry(fake):
    """A one-file HTTP server on 127.0.0.1 serving the fake tarball; yields its URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Length", str(len(fake)))
            self.end_headers()
            self.wfile.write(fake)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/mathjax-3.2.2.tgz"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_a_download_is_verified_cached_and_reused(fake, registry, tmp_path, monkeypatch):
    monkeypatch.setattr(mathjax_local, "TARBALL_URL", registry)
    assert mathjax_local.tarball(tmp_path) == fake
    assert (tmp_path / "mathjax-3.2.2.tgz").read_bytes() == fake
    monkeypatch.setattr(mathjax_local, "TARBALL_URL", "http://127.0.0.1:9/mathjax-3.2.2.tgz")  # nothing listens
    assert mathjax_local.tarball(tmp_path) == fake


def test_a_failed_download_says_which_url_and_how_to_provide_the_file(fake, tmp_path, monkeypatch):
    url = "http://127.0.0.1:9/mathjax-3.2.2.tgz"
    monkeypatch.setattr(mathjax_local, "TARBALL_URL", url)
    with pytest.raises(ExtensionError) as caught:
        mathjax_local.tarball(tmp_path)
    message = str(caught.value)
    assert f"could not fetch {url}" in message
    assert f"{mathjax_local.TARBALL_VARIABLE}=/path/to/mathjax-3.2.2.tgz" in message
    assert not (tmp_path / "mathjax-3.2.2.tgz").exists()


@pytest.mark.sphinx("html", testroot="mathjax-local", srcdir="mathjax-local", freshenv=True)
def test_a_sphinx_build_serves_mathjax_from_static(fake, tmp_path, monkeypatch, make_app, app_params):
    given = tmp_path / "mathjax.tgz"
    given.write_bytes(fake)
    monkeypatch.setenv(mathjax_local.TARBALL_VARIABLE, str(given))
    monkeypatch.setenv(mathjax_local.CACHE_VARIABLE, str(tmp_path / "cache"))
    app = make_app(*app_params.args, **app_params.kwargs)  # after the variables: it installs MathJax when created
    app.build()
    out = Path(app.outdir)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'src="_static/mathjax/tex-mml-chtml.js' in html  # Sphinx appends ?v=<hash>
    assert "cdn.jsdelivr.net" not in html
    for relative in WANTED:
        assert (out / "_static" / "mathjax" / relative).is_file()
    assert not (out / "_static" / "mathjax" / "tex-svg.js").exists()


def test_extraction_shared_by_parallel_builds_keeps_the_first_complete_copy(fake, tmp_path, monkeypatch):
    static = tmp_path / "cache" / f"static-{mathjax_local.VERSION}"
    static.mkdir(parents=True)
    (static / "half-written.js").write_bytes(b"")  # an incomplete folder, as an interrupted build leaves it
    mathjax_local.install_static(fake, static)
    assert (static / mathjax_local.EXTRACTED).is_file() and not (static / "half-written.js").exists()
    first = (static / mathjax_local.EXTRACTED).stat().st_mtime_ns

    monkeypatch.setattr(mathjax_local.os, "getpid", lambda: 99999)  # a second build, in its own process
    mathjax_local.install_static(fake, static)
    assert (static / mathjax_local.EXTRACTED).stat().st_mtime_ns == first
    assert sorted(p.name for p in static.parent.iterdir()) == [static.name]  # its own copy was dropped
    assert {p.relative_to(static / "mathjax").as_posix() for p in (static / "mathjax").rglob("*") if p.is_file()} == WANTED
