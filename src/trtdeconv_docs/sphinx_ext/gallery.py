"""Show the gallery output that TensorRT printed on a GPU, and refuse stale recordings.

The GPU build (:mod:`trtdeconv_docs.gpu_gallery`) leaves sphinx-gallery's generated
files in ``recordings/gallery/``. On any other machine this extension, before
sphinx-gallery runs, (1) checks that every example's source still has the md5 it had
when it was recorded, failing the build with one message that names each stale or
unrecorded example and the command to re-run on a GPU machine; (2) copies the recorded
files into the (git-ignored) gallery folder, where sphinx-gallery's md5 cache makes it
show them without executing anything; (3) adds a provenance note to every example page.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Dict, List

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .. import recording
from ..dependencies import PACKAGE_DIR, module_hashes
from . import messages
from .messages import _

EXECUTE_VARIABLE = "TRTDECONV_EXECUTE"
DEPENDENCIES = "dependencies.json"
"""In ``recordings/``: example -> {package module: sha256} at recording time (see gpu_gallery)."""
RERUN_COMMAND = (
    "re-run the examples on a machine with TensorRT and a GPU: `tox -e gpu-gallery` "
    "(or, without network, `python -m trtdeconv_docs.gpu_gallery`), then commit recordings/"
)


def executing() -> bool:
    """Whether this build executes the examples (the GPU build sets ``TRTDECONV_EXECUTE=1``)."""
    return os.environ.get(EXECUTE_VARIABLE) == "1"


def recordings_root(srcdir) -> Path:
    """The ``recordings/`` folder beside the documentation's source folder ``srcdir``."""
    return Path(srcdir).resolve().parent / "recordings"


def stale_examples(examples: Path, recordings: Path, package_dir: Path = PACKAGE_DIR) -> List[str]:
    """One line per example whose recording is missing or older than its source or its modules, or vice versa.

    Three records are compared: sphinx-gallery's ``gallery/<name>.md5``, the ``source``
    hash in ``tensors/<stem>.json`` (examples that record tensors), and the hashes of the
    package modules the example runs in ``dependencies.json``.
    """
    problems = []
    sources = sorted(examples.glob("plot_*.py"))
    dependencies_file = recordings / DEPENDENCIES
    dependencies = json.loads(dependencies_file.read_text(encoding="utf-8")) if dependencies_file.exists() else {}
    for source in sources:
        md5 = recording.source_hashes(source)["md5"]
        md5_file = recordings / "gallery" / f"{source.name}.md5"
        tensors = recordings / "tensors" / f"{source.stem}.json"
        if not md5_file.exists():
            problems.append(f"{source.name}: never recorded on a GPU")
            continue
        if md5 != md5_file.read_text().strip() or (
            tensors.exists() and recording.load(tensors)["source"]["md5"] != md5
        ):
            problems.append(f"{source.name}: changed since its GPU recording")
        recorded = dependencies.get(source.name)
        if recorded is None:
            problems.append(f"{source.name}: the package modules it runs were not recorded")
            continue
        current = module_hashes(source, package_dir)
        changed = sorted(name for name in set(recorded) | set(current) if recorded.get(name) != current.get(name))
        if changed:
            problems.append(f"{source.name}: {', '.join(changed)} changed since its GPU recording")
    names = {source.name for source in sources}
    for recorded in sorted((recordings / "gallery").glob("plot_*.py.md5")):
        if recorded.name[: -len(".md5")] not in names:
            problems.append(f"{recorded.name[:-4]}: recorded, but the example no longer exists")
    for recorded in sorted((recordings / "tensors").glob("*.json")):
        if f"{recorded.stem}.py" not in names:
            problems.append(f"{recorded.name}: tensors recorded, but the example no longer exists")
    return problems


def _use_recordings(app) -> None:
    if executing():
        return
    conf = app.config.sphinx_gallery_conf
    srcdir = Path(app.srcdir)
    examples, gallery = (srcdir / conf["examples_dirs"]).resolve(), srcdir / conf["gallery_dirs"]
    recordings = recordings_root(app.srcdir)
    problems = stale_examples(examples, recordings)
    if problems:
        # SystemExit, not a Sphinx error: Sphinx answers any exception with a crash report
        # asking users to report a Sphinx bug, which this is not.
        raise SystemExit(
            "trtdeconv-docs: the gallery's recorded TensorRT output does not match the examples:\n  "
            + "\n  ".join(problems) + "\n" + RERUN_COMMAND
        )
    shutil.copytree(recordings / "gallery", gallery, dirs_exist_ok=True)


class Provenance(SphinxDirective):
    """``.. trtdeconv-provenance:: <example>``: which TensorRT, GPU and CUDA printed the page's output, and when."""

    required_arguments = 1

    def run(self):
        """An admonition built from ``<recordings>/tensors/<example>.json``."""
        path = recordings_root(self.env.srcdir) / "tensors" / f"{self.arguments[0]}.json"
        self.env.note_dependency(str(path))
        document = recording.load(path)
        p: Dict[str, str] = document["provenance"]
        text = _("本页输出由 TensorRT {tensorrt} 在 {gpu} 上打印（CUDA {cuda}，驱动 CUDA {driver}，"
                 "Python {python}，{date}）；记录对应的示例源码 sha256 为 ").format(
            tensorrt=p["tensorrt"], gpu=p["gpu"], cuda=p["cuda_runtime"], driver=p["cuda_driver"],
            python=p["python"], date=p["date"][:10])
        digest = document["source"]["sha256"][:16] + "…"
        title = _("输出来源")
        body = nodes.paragraph("", "", nodes.Text(text), nodes.literal(digest, digest), nodes.Text(_("。")))
        # generated text: the extension's catalog translates it, the page's catalog must not see it
        heading = nodes.title(title, title, translatable=False)
        body["translatable"] = False
        return [nodes.admonition("", heading, body, classes=["trtdeconv-provenance"])]


def _add_provenance(app, docname: str, source: List[str]) -> None:
    gallery_dir = app.config.sphinx_gallery_conf["gallery_dirs"]
    if not docname.startswith(f"{gallery_dir}/plot_"):
        return
    stem = docname.split("/")[-1]
    if not (recordings_root(app.srcdir) / "tensors" / f"{stem}.json").exists():
        return
    note = f".. trtdeconv-provenance:: {stem}\n\n"
    lines = source[0].split("\n")
    for index in range(1, len(lines)):  # insert after the title's underline
        underline = lines[index].strip()
        if underline and set(underline) == {"="} and lines[index - 1].strip():
            lines.insert(index + 1, "\n" + note)
            break
    source[0] = "\n".join(lines)


def setup(app):
    """Register the recorded-gallery hooks; they run before sphinx-gallery's own."""
    app.setup_extension(messages.__name__)
    app.connect("builder-inited", _use_recordings, priority=100)
    app.connect("source-read", _add_provenance)
    app.add_directive("trtdeconv-provenance", Provenance)
