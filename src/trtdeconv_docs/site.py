"""Build the whole site: one HTML build per language, plus a root page that opens the original.

``python -m trtdeconv_docs.site OUT`` (what ``tox -e docs`` runs) builds ``docs/`` once per
language of :data:`~trtdeconv_docs.sphinx_ext.language_switch.LANGUAGES` into
``OUT/<language>/`` with ``-W --keep-going -n`` (zero warnings), each in its own process
(Sphinx keeps translations per process), and writes ``OUT/index.html``, which redirects
to the original language. It stops at the first language whose build fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import List, Sequence

from .sphinx_ext.language_switch import LANGUAGES

DOCS = Path("docs")
"""The documentation's source folder, relative to the repository root (the current folder)."""

ROOT_PAGE = """<!DOCTYPE html>
<html lang="{code}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={code}/index.html">
<link rel="canonical" href="{code}/index.html">
</head>
<body>
<p>{links}</p>
</body>
</html>
"""


def sphinx_command(language: str, out: Path, doctrees: Path, docs: Path = DOCS,
                   extra: Sequence[str] = ()) -> List[str]:
    """The ``sphinx-build`` command line of one language's HTML build, warnings as errors."""
    return [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html",
            "-D", f"language={language}", "-d", str(doctrees / language), str(docs), str(out / language),
            *extra]


def root_page(languages=LANGUAGES) -> str:
    """``index.html`` of the site's root: redirects to the first (original) language, links every one."""
    code = next(iter(languages))
    links = " · ".join(f'<a href="{c}/index.html" hreflang="{c.replace("_", "-")}">{name}</a>'
                       for c, name in languages.items())
    return ROOT_PAGE.format(code=code, title="TensorRT Deconvolution", links=links)


def build(out: Path, doctrees: Path, docs: Path = DOCS, extra: Sequence[str] = ()) -> int:
    """Build every language into ``out/<language>`` and write ``out/index.html``; 0 when all succeed."""
    for language in LANGUAGES:
        result = subprocess.run(sphinx_command(language, out, doctrees, docs, extra))
        if result.returncode:
            print(f"trtdeconv-docs: the {language} build failed", file=sys.stderr)
            return result.returncode
    (out / "index.html").write_text(root_page(), encoding="utf-8")
    print(f"site: {out / 'index.html'} ({', '.join(f'{out / code}/' for code in LANGUAGES)})")
    return 0


def main(argv=None) -> int:
    """Command line: ``python -m trtdeconv_docs.site OUT [--doctrees DIR] [sphinx-build options]``."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.site", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="the site's folder (one sub-folder per language)")
    parser.add_argument("--doctrees", type=Path, help="Sphinx's cache (default: OUT/../doctrees)")
    parser.add_argument("--docs", type=Path, default=DOCS, help="the documentation's source folder (default: docs)")
    args, extra = parser.parse_known_args(argv)
    if not (args.docs / "conf.py").is_file():
        parser.error(f"{args.docs / 'conf.py'} not found: run from the repository root or pass --docs")
    return build(args.out, args.doctrees or args.out.parent / "doctrees", args.docs, extra)


if __name__ == "__main__":
    sys.exit(main())
