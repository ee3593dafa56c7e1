"""Build the whole site: one HTML build per language, plus a root page that opens the reader's edition.

``python -m trtdeconv_docs.site OUT`` (what ``tox -e docs`` runs) builds ``docs/`` once per
language of :data:`~trtdeconv_docs.sphinx_ext.language_switch.LANGUAGES` into
``OUT/<language>/`` with ``-W --keep-going -n`` (zero warnings), each in its own process
(Sphinx keeps translations per process; the languages build in parallel), and writes
``OUT/index.html``, which opens the edition in the reader's language, and ``OUT/404.html``.

Sphinx and sphinx-gallery write generated files into the source folder (``gallery/``,
``sg_execution_times.rst``), so no build reads ``docs/`` in place: each language builds
from a private copy, ``DOCTREES/<language>.sources/``, holding copies of ``docs/`` and
``examples/`` (their modification times kept, so a rebuild is incremental) and links to
``src/`` and ``recordings/``; the executed gallery of the previous build is kept there, so that
sphinx-gallery runs again only the examples that changed (and every example when the code or
recordings they depend on changed: :func:`trtdeconv_docs.sphinx_ext.gallery.forget_stale_runs`). Two builds of one checkout, or a build beside ``tox``, never
write into the checkout and never share a folder unless they are given the same output.
An output or cache folder that cannot be written is one line and exit status 2.

``python -m trtdeconv_docs.site --templates OUT`` (what ``tox -e translations`` runs) instead
extracts the pages' messages with Sphinx's ``gettext`` builder into ``OUT/**/*.pot``, from a
private copy too, with :data:`TEMPLATE_OVERRIDES`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Sequence

from .cassette import store
from .cassette.mode import refuse_api_check
from .sphinx_ext.language_switch import LANGUAGES
from .sphinx_ext.mathjax_local import CACHE_VARIABLE

DOCS = Path("docs")
"""The documentation's source folder, relative to the repository root (the current folder)."""

COPIED = ("examples",)
"""Folders beside ``docs/`` that the build reads and that are copied with it."""
LINKED = ("src", "recordings")
"""Folders beside ``docs/`` that the build only reads: linked, not copied."""
GENERATED = ("gallery", "sg_execution_times.rst", "_build", "_static/thumbnails", "screenshots")
"""What builds write into a source folder, relative to its top (the executed gallery, the drawn thumbnails;
and the screenshots of the built site, which no build reads): never copied from the checkout, and kept
in the private copy from one build to the next, so that each part redoes only what changed. Deeper
folders of the same name, such as the gallery's catalogs in ``locale/en/LC_MESSAGES/gallery``, are copied."""
COMPILED = {".mo": ".po"}
"""Files Sphinx compiles beside their source (a catalog's ``.mo`` beside its ``.po``): never copied, kept
while their source is there. A fresh ``.mo`` would make Sphinx read every page again."""


def _generated(relative: Path) -> bool:
    """Whether ``relative`` (a path inside a source folder) is, or lies in, something a build makes."""
    return (relative.name == "__pycache__" or relative.suffix in COMPILED
            or any(relative == Path(name) or Path(name) in relative.parents for name in GENERATED))


def mirror(source: Path, target: Path) -> None:
    """Make ``target`` hold ``source``'s files, copying only those that differ (size or modification time).

    Timestamps are kept, so Sphinx sees as changed only what changed in ``source``. Files that a build
    generated (:func:`_generated`) are neither copied nor removed, except a compiled file whose source is gone.
    """
    wanted = set()
    for folder, folders, files in os.walk(source):
        here = Path(folder).relative_to(source)
        folders[:] = [name for name in folders if not _generated(here / name)]
        for name in files:
            relative = here / name
            if _generated(relative):
                continue
            wanted.add(relative)
            old, new = target / relative, source / relative
            mine, theirs = (old.stat() if old.is_file() else None), new.stat()
            if mine is None or (mine.st_size, mine.st_mtime_ns) != (theirs.st_size, theirs.st_mtime_ns):
                old.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(new, old)
    for folder, folders, files in os.walk(target, topdown=False):
        here = Path(folder).relative_to(target)
        for name in files:
            relative = here / name
            compiled_from = COMPILED.get(relative.suffix)
            if relative in wanted or (_generated(relative) and not compiled_from) \
                    or (compiled_from and relative.with_suffix(compiled_from) in wanted):
                continue
            (target / relative).unlink()
        if here != Path(".") and not _generated(here) and not any(Path(folder).iterdir()):
            Path(folder).rmdir()


ROOT_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="canonical" href="{code}/index.html">
<script>
  // the edition in the reader's language (Chinese for a zh-* browser, else English), keeping ?query and #anchor
  (function () {{
    var wanted = (navigator.languages || [navigator.language || ""]).join(",").toLowerCase();
    var edition = /(^|,)zh/.test(wanted) ? "{code}" : "{other}";
    location.replace(edition + "/index.html" + location.search + location.hash);
  }})();
</script>
<noscript><meta http-equiv="refresh" content="0; url={code}/index.html"></noscript>
</head>
<body>
<p>{links}</p>
</body>
</html>
"""


TEMPLATE_OVERRIDES = {"plot_gallery": "0", "suppress_warnings": "image.not_readable"}
"""Settings of the ``gettext`` build: the examples are not executed, since what they print is
never translated (code output is not a translatable message) and running them would only make the
extraction slower; their prose, titles and sphinx-gallery's notes are extracted all the same. The
figures they would have drawn, which pages show with ``image`` (``gallery/images/sphx_glr_*.svg``),
are then missing: an image holds no message, so that one warning is left out of this build only."""


def sphinx_command(language: str, out: Path, doctrees: Path, docs: Path = DOCS,
                   extra: Sequence[str] = ()) -> List[str]:
    """The ``sphinx-build`` command line of one language's HTML build, warnings as errors."""
    return [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html",
            "-D", f"language={language}", "-d", str(doctrees / language), str(docs), str(out / language),
            *extra]


def root_page(languages=LANGUAGES) -> str:
    """``index.html`` of the site's root: opens the edition in the reader's language (the original without script)."""
    codes = list(languages)
    code = codes[0]
    other = next((c for c in codes if not c.startswith("zh")), code)
    links = " · ".join(f'<a href="{c}/index.html" hreflang="{c.replace("_", "-")}">{name}</a>'
                       for c, name in languages.items())
    return ROOT_PAGE.format(code=code, other=other, lang=code.replace("_", "-"), title="TensorRT Deconvolution",
                            links=links)


def private_sources(docs: Path, place: Path) -> Path:
    """Refresh ``place`` as a private copy of the checkout's sources; returns its ``docs`` folder.

    ``docs/`` and :data:`COPIED` are mirrored (:func:`mirror`: only what changed is copied, what the last
    build generated is kept); :data:`LINKED` are symbolic links to the checkout's folders.
    """
    checkout = docs.resolve().parent
    place.mkdir(parents=True, exist_ok=True)
    for name in ("docs", *COPIED):
        source = docs.resolve() if name == "docs" else checkout / name
        if source.is_dir():
            mirror(source, place / name)
        else:
            shutil.rmtree(place / name, ignore_errors=True)
    for name in LINKED:
        link = place / name
        if link.is_symlink() or link.exists():
            link.unlink()
        if (checkout / name).exists():
            link.symlink_to(checkout / name, target_is_directory=True)
    return place / "docs"


def build_environment(doctrees: Path) -> dict:
    """The language builds' environment: MathJax's cache with Sphinx's (``DOCTREES/.mathjax-cache``), unless set.

    The cache is shared by the languages (:mod:`~trtdeconv_docs.sphinx_ext.mathjax_local` extracts
    safely beside a parallel build) and kept out of the published site's folder.
    """
    environment = dict(os.environ)
    environment.setdefault(CACHE_VARIABLE, str(doctrees.resolve() / ".mathjax-cache"))
    return environment


def writable(folder: Path) -> str:
    """An empty string if ``folder`` can be created and written, else why not (one line)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return f"cannot write {folder}: {error.strerror or error}"
    return ""


def all_writable(*folders: Path) -> bool:
    """Whether every folder can be created and written; prints one line for the first that cannot."""
    for folder in folders:
        problem = writable(folder)
        if problem:
            print(f"trtdeconv-docs: error: {problem}", file=sys.stderr)
            return False
    return True


TEXT_SOURCES = (".md", ".rst", ".po", ".py", ".txt")


def undecodable(*folders: Path) -> List[str]:
    """One line per page, catalog or example under ``folders`` that is not UTF-8 (Sphinx would crash on it)."""
    problems = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in TEXT_SOURCES and p.is_file()):
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as error:
                problems.append(f"{path}: not UTF-8 (byte {error.object[error.start]:#04x} at offset {error.start}); "
                                f"save it as UTF-8")
    return problems


def build(out: Path, doctrees: Path, docs: Path = DOCS, extra: Sequence[str] = ()) -> int:
    """Build every language into ``out/<language>`` (in parallel processes) and write the root pages; 0 when all succeed.

    Each language's output is printed after its build, so that the two do not interleave.
    """
    if not all_writable(out, doctrees):
        return 2
    for problem in undecodable(docs.resolve(), docs.resolve().parent / "examples"):
        print(f"trtdeconv-docs: error: {problem}", file=sys.stderr)
        return 2
    builds = {}
    environment = build_environment(doctrees)
    for language in LANGUAGES:
        try:
            sources = private_sources(docs, doctrees / f"{language}.sources")
        except OSError as error:
            print(f"trtdeconv-docs: error: cannot copy the sources into {doctrees}: {error}", file=sys.stderr)
            return 2
        builds[language] = subprocess.Popen(sphinx_command(language, out, doctrees, sources, extra),
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                            env=environment)
    failed = []
    for language, process in builds.items():
        printed, _ = process.communicate()
        sys.stdout.write(printed)
        if process.returncode:
            failed.append((language, process.returncode))
    for language, _ in failed:
        print(f"trtdeconv-docs: the {language} build failed", file=sys.stderr)
    if failed:
        return failed[0][1]
    (out / "index.html").write_text(root_page(), encoding="utf-8")
    original = next(iter(LANGUAGES))
    if (out / original / "404.html").is_file():  # Read the Docs serves the root's 404 page
        shutil.copyfile(out / original / "404.html", out / "404.html")
    print(f"site: {out / 'index.html'} ({', '.join(f'{out / code}/' for code in LANGUAGES)})")
    print(f"recordings: root {store.chain(store.root())['root']} (recordings/ROOT.json, checked by the build)")
    return 0


def templates(out: Path, doctrees: Path, docs: Path = DOCS) -> int:
    """Extract the pages' messages into ``out/**/*.pot`` (Sphinx's gettext builder, from a private copy); 0 on success."""
    if not all_writable(out, doctrees):
        return 2
    sources = private_sources(docs, doctrees / "gettext.sources")
    overrides = [item for name, value in TEMPLATE_OVERRIDES.items() for item in ("-D", f"{name}={value}")]
    return subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-b", "gettext", *overrides,
                           "-d", str(doctrees / "gettext"), str(sources), str(out)]).returncode


def main(argv=None) -> int:
    """Command line: ``python -m trtdeconv_docs.site OUT [--doctrees DIR] [--templates] [sphinx-build options]``."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.site", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="the site's folder (one sub-folder per language)")
    parser.add_argument("--doctrees", type=Path, help="Sphinx's cache (default: OUT/../doctrees)")
    parser.add_argument("--docs", type=Path, default=DOCS, help="the documentation's source folder (default: docs)")
    parser.add_argument("--templates", action="store_true",
                        help="write the pages' message templates (.pot) into OUT instead of building the site")
    args, extra = parser.parse_known_args(argv)
    refuse_api_check("the site build")
    if not (args.docs / "conf.py").is_file():
        parser.error(f"{args.docs / 'conf.py'} not found: run from the repository root or pass --docs")
    if args.templates:
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        return templates(args.out, args.doctrees or args.out.parent / "doctrees-gettext", args.docs)
    return build(args.out, args.doctrees or args.out.parent / "doctrees", args.docs, extra)


if __name__ == "__main__":
    sys.exit(main())
