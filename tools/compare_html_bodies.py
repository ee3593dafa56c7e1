"""Compare the <article> body of every HTML page of two site builds (issue 17's check that the redesign changed no page).

Usage: python tools/compare_html_bodies.py BASELINE_HTML NEW_HTML [--normalize]

With --normalize, the baseline's old module paths (``trtdeconv_docs.shapes`` ...) are first
rewritten to the new ones (``trtdeconv_docs.layer.shapes`` ...), so that only other differences
remain. Prints a summary, each differing page with its first changed lines, and whether the
executed gallery output (every ``sphx-glr-script-out`` block) is byte-identical, unnormalized.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path
from typing import Optional

MOVES = {
    "attributes": "layer.attributes",
    "call_log": "cassette.call_log",
    "cuda_runtime": "trt.cuda_runtime",
    "gpu_gallery": "cassette.runner",
    "limits": "layer.limits",
    "mappings": "layer.mappings",
    "matrix_latex": "sphinx_ext.matrix_latex",
    "network_description": "trt.network_description",
    "page_literals": "sphinx_ext.page_literals",
    "recompute": "cassette.recompute",
    "recording": "cassette.recorder",
    "recordings": "cassette.store",
    "recordings_writer": "cassette.publisher",
    "reference": "layer.reference",
    "refusal": "errors",
    "replay": "cassette.player",
    "shapes": "layer.shapes",
    "tensorrt_api": "trt.api",
    "tensorrt_api.extract": "trt.api.extract",
    "tensorrt_api.surface": "trt.api.surface",
    "tensorrt_engine": "trt.engine",
    "tensorrt_stand_in": "trt.stand_in",
    "tensorrt_versions": "trt.versions",
    "tensors": "cassette.tensors",
    "tolerance": "layer.tolerance",
}
"""Old module -> new module, relative to ``trtdeconv_docs`` (HANDOFF.md has the full map)."""


def normalize(text: str) -> str:
    """``text`` with the old module paths, in dotted, backreference-class and heading-slug forms, made new."""
    for old in sorted(MOVES, key=len, reverse=True):
        new = MOVES[old]
        text = re.sub(rf"\btrtdeconv_docs\.{re.escape(old)}\b", f"trtdeconv_docs.{new}", text)
        text = re.sub(rf"\btrtdeconv_docs-{re.escape(old.replace('.', '-'))}\b", f"trtdeconv_docs-{new.replace('.', '-')}", text)
        text = re.sub(rf"\btrtdeconv-docs-{re.escape(old.replace('_', '-').replace('.', '-'))}\b",
                      f"trtdeconv-docs-{new.replace('_', '-').replace('.', '-')}", text)
    return text


def body(path: Path) -> Optional[str]:
    """The page's ``<article>`` element, or None."""
    match = re.search(r"<article\b.*?</article>", path.read_text(encoding="utf-8"), re.S)
    return match.group(0) if match else None


def script_outputs(path: Path):
    """The page's executed-output blocks, as HTML."""
    return re.findall(r'<div class="sphx-glr-script-out.*?</div>\s*</div>', path.read_text(encoding="utf-8"), re.S)


def main(argv) -> int:
    """Print the comparison; 0 when every body is identical."""
    base, new, normalized = Path(argv[0]), Path(argv[1]), "--normalize" in argv
    pages = sorted(path.relative_to(base) for path in base.rglob("*.html"))
    same, report = 0, []
    for page in pages:
        if not (new / page).is_file():
            report.append(f"MISSING {page}")
            continue
        old_body, new_body = body(base / page) or "", body(new / page) or ""
        if normalized:
            old_body = normalize(old_body)
        if old_body == new_body:
            same += 1
            continue
        lines = [line for line in difflib.unified_diff(old_body.split("\n"), new_body.split("\n"), lineterm="", n=0)
                 if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
        report.append(f"DIFF {page}: {len(lines)} changed lines")
        report += ["    " + re.sub(r"<[^>]+>", "", line)[:160] for line in lines[:6]]
    gallery = sorted(path.relative_to(base) for path in base.rglob("gallery/plot_*.html") if (new / path.relative_to(base)).is_file())
    identical = sum(script_outputs(base / page) == script_outputs(new / page) for page in gallery)
    print(f"pages: {len(pages)}; identical bodies: {same}; differing or missing: {len(pages) - same}")
    print("\n".join(report))
    print(f"executed gallery output byte-identical on {identical}/{len(gallery)} gallery pages")
    return 0 if same == len(pages) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
