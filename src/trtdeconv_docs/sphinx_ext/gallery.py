"""The gallery: examples executed at every build, their TensorRT runs replayed from the GPU recordings.

sphinx-gallery executes every example, on any machine. Where TensorRT is absent,
:mod:`trtdeconv_docs.session` answers each TensorRT run from ``recordings/tensors``
(and fails the build with one message when a run was never recorded). This extension
(1) verifies every recordings folder against its manifest before anything runs, failing
with one line per changed, missing or unlisted file; (2) keeps the examples that cannot
be replayed (:func:`not_replayable`: recorded before their calls were logged) from executing where
TensorRT is absent, and refuses their recording once their source has changed since;
(3) adds a provenance note to every page whose example ran TensorRT, with the summary of the last
GPU re-verification of the recordings (:func:`.reproduced.reproduced_sentence`) when there is one; (4) saves the examples'
figures as SVG (:class:`SvgFigures`).
"""

from __future__ import annotations

import gc
from functools import lru_cache
from pathlib import Path
from typing import List, Tuple

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..cassette import mode, reverification, store
from ..cassette.recorder import source_sha256
from ..cassette.recording import Recording, folder, path_of
from ..errors import RECORD_ON_GPU, RecordingError
from . import digests, messages
from .reproduced import reproduced_sentence
from .messages import _

logger = logging.getLogger(__name__)

def not_replayable() -> Tuple[str, ...]:
    """The examples (file names) whose recording holds a run logged with neither network nor runtime calls.

    Such a run (an example that calls TensorRT's runtime and CUDA itself, recorded before
    :mod:`trtdeconv_docs.cassette.runtime_calls` logged those calls) cannot be replayed: where TensorRT
    is absent its example does not run, its page shows the recording, and a change to its source
    stops the build. Once the example is recorded again with its calls, it replays like every other.
    """
    manifest = folder() / store.MANIFEST
    return _not_replayable(str(folder()), store.sha256(manifest) if manifest.is_file() else "")


@lru_cache(maxsize=4)
def _not_replayable(recordings: str, _manifest_sha256: str) -> Tuple[str, ...]:
    names = []
    for path in store.listed(recordings, ".json"):
        try:
            recording = Recording.read(path)
        except RecordingError:  # reported by recording_problems
            continue
        if not all(run.replayable for run in recording.runs):
            names.append(recording.example)
    return tuple(sorted(names))


class SvgFigures:
    """sphinx-gallery's Matplotlib scraper, writing each figure once as SVG (``image_scrapers`` in ``conf.py``).

    Vector pictures stay sharp at any zoom and on any screen, where PNG needed a second, 2x
    rendering of every figure; text is drawn as paths, so Chinese labels need no font on the
    reader's side. Element ids and metadata are fixed, so an unchanged figure is the same file.
    """

    def __repr__(self) -> str:  # sphinx-gallery compares the configuration by repr between builds
        return f"{__name__}.{type(self).__name__}()"

    def __call__(self, block, block_vars, gallery_conf) -> str:
        """The reStructuredText of the block's figures, saved as SVG."""
        import matplotlib
        from sphinx_gallery.scrapers import matplotlib_scraper

        with matplotlib.rc_context({"svg.hashsalt": "trtdeconv-docs"}):
            return matplotlib_scraper(block, block_vars, gallery_conf, format="svg", metadata={"Date": None})


class ExampleStarts:
    """sphinx-gallery's ``reset_modules`` hook (``conf.py``): says which example runs next (:func:`trtdeconv_docs.cassette.mode.example_starts`)."""

    def __repr__(self) -> str:  # sphinx-gallery compares the configuration by repr between builds
        return f"{__name__}.{type(self).__name__}()"

    def __call__(self, _gallery_conf, fname) -> None:
        """Called with the example's file name before it runs (``None`` when a folder of examples starts)."""
        if fname:
            mode.example_starts(fname)


def executed_examples_pattern() -> str:
    """sphinx-gallery's ``filename_pattern``: every example, less :func:`not_replayable` without TensorRT."""
    excluded = () if mode.current().uses_tensorrt else not_replayable()
    if not excluded:
        return r"/plot_"
    return r"/(?!" + "|".join(name.replace(".", r"\.") for name in excluded) + r")plot_"


def recording_problems(examples: Path) -> List[str]:
    """One line per recordings folder or file that fails its manifest, and per stale unreplayable example."""
    problems = store.root_problems(store.root())
    for manifest in sorted(store.root().glob(f"*/{store.MANIFEST}")):
        problems += store.verify_folder(manifest.parent)
    if not problems:
        problems += reverification.stale_problems()
    if not mode.current().uses_tensorrt:
        for name in (n for n in not_replayable() if (examples / n).is_file()):
            try:
                recorded = Recording.read(path_of(name)).source_sha256
            except RecordingError as error:
                problems.append(str(error))
                continue
            if recorded != source_sha256(examples / name):
                problems.append(f"{name}: changed since its GPU recording, and it cannot be replayed "
                                f"(it calls CUDA itself); {RECORD_ON_GPU}")
    return sorted(set(problems))


FINGERPRINT = ".trtdeconv-inputs"
"""In the gallery folder: the sha256 of everything an example's run depends on besides its own source."""


def forget_stale_runs(gallery: Path, fingerprint: str) -> None:
    """Drop sphinx-gallery's md5 records when ``fingerprint`` (:mod:`.digests`) changed since the last build.

    sphinx-gallery reruns an example only when its own source changed (md5); an example's
    output also depends on the package it imports and on the recordings it replays.
    """
    marker = gallery / FINGERPRINT
    if marker.is_file() and marker.read_text(encoding="utf-8") == fingerprint:
        return
    for md5 in gallery.glob("*.md5"):
        md5.unlink()
    gallery.mkdir(parents=True, exist_ok=True)
    marker.write_text(fingerprint, encoding="utf-8")


def _check_recordings(app) -> None:
    mode.refuse_api_check("the site build")
    examples = (Path(app.srcdir) / app.config.sphinx_gallery_conf["examples_dirs"]).resolve()
    problems = recording_problems(examples)
    forget_stale_runs(Path(app.srcdir) / app.config.sphinx_gallery_conf["gallery_dirs"],
                      getattr(app.config, digests.CONFIG))
    if not problems:
        logger.info(f"trtdeconv-docs: recordings/ verified, root {store.chain(store.root())['root']}")
    if problems:
        # SystemExit, not a Sphinx error: Sphinx answers any exception with a crash report
        # asking users to report a Sphinx bug, which this is not.
        raise SystemExit("trtdeconv-docs: recordings/ cannot be trusted:\n  " + "\n  ".join(problems))


class Provenance(SphinxDirective):
    """``.. trt-provenance:: <example>``: which TensorRT and GPU recorded the page's TensorRT output, and how it is shown."""

    required_arguments = 1

    def run(self):
        """An admonition built from ``recordings/tensors/<example>.json``."""
        path = path_of(self.arguments[0])
        self.env.note_dependency(str(path))
        p = Recording.read(path).provenance
        recorded = _("本页的 TensorRT 输出由 TensorRT {tensorrt} 在 {gpu} 上记录（CUDA {cuda}，驱动 CUDA {driver}，"
                     "Python {python}，{date}）。").format(
            tensorrt=p["tensorrt"], gpu=p["gpu"], cuda=p["cuda_runtime"], driver=p["cuda_driver"],
            python=p["python"], date=p["date"][:10])
        if f"{self.arguments[0]}.py" in not_replayable():
            how = _("本例直接调用 CUDA，无法回放：构建本站时不运行它，下方输出取自记录；示例源码改动后须在 GPU 上重新记录。")
        else:
            how = _("构建本站时示例会重新运行：打印的文字和图片来自当前代码，而每次 TensorRT 构建与运行都按网络调用、"
                    "构建设置和输入字节与记录逐一核对后，由记录给出结果；对不上的运行会让构建失败。")
        title = _("输出来源")
        body = nodes.paragraph("", "", nodes.Text(recorded + how + reproduced_sentence()))
        # generated text: the extension's catalog translates it, the page's catalog must not see it
        heading = nodes.title(title, title, translatable=False)
        body["translatable"] = False
        return [nodes.admonition("", heading, body, classes=["trtdeconv-provenance"])]


def _add_provenance(app, docname: str, source: List[str]) -> None:
    gallery_dir = app.config.sphinx_gallery_conf["gallery_dirs"]
    if not docname.startswith(f"{gallery_dir}/plot_"):
        return
    stem = docname.split("/")[-1]
    if not path_of(stem).exists():
        return
    note = f".. trt-provenance:: {stem}\n\n"
    lines = source[0].split("\n")
    for index in range(1, len(lines)):  # insert after the title's underline
        underline = lines[index].strip()
        if underline and set(underline) == {"="} and lines[index - 1].strip():
            lines.insert(index + 1, "\n" + note)
            break
    source[0] = "\n".join(lines)


def _mark_example_title(app, _doctree) -> None:
    """An example's page title starts with ``示例：`` (``Example:``): the browser's title bar, search results,
    links and "next" show it.

    The gallery's examples are named like the pages they illustrate ("stride_nd：步长" twice), so search
    listed look-alikes; the examples' own sources keep their titles (a changed example needs a GPU re-run).
    Runs after Sphinx's title collector has stored the title (``doctree-read``, priority 600).
    """
    docname = app.env.docname
    if not docname.startswith(f"{app.config.sphinx_gallery_conf['gallery_dirs']}/plot_"):
        return
    prefix = _("示例：")
    titles = {id(title): title for title in (app.env.titles.get(docname), app.env.longtitles.get(docname)) if title}
    for title in titles.values():
        if not title.astext().startswith(prefix):
            title.insert(0, nodes.Text(prefix))


def _freeze_startup_objects(_app) -> None:
    """Collect garbage once, then exempt what is left, all alive, from the collections of the build (:func:`gc.freeze`).

    sphinx-gallery collects garbage before each example (to measure its memory, which the site does not show);
    each collection walked every object of Sphinx, its extensions and the parsed recordings again: 1.8 s of a
    language build. The examples' own objects are still collected; the build's end gives the rest back.
    """
    gc.collect()
    gc.freeze()


def _unfreeze(_app, _exception) -> None:
    """The objects frozen at the build's start are collected again (a test process goes on after its builds)."""
    gc.unfreeze()


def setup(app):
    """Register the recording checks (before sphinx-gallery runs the examples), the provenance note, example titles."""
    app.setup_extension(messages.__name__)
    app.setup_extension(digests.__name__)
    app.connect("builder-inited", _check_recordings, priority=100)
    app.connect("builder-inited", _freeze_startup_objects, priority=101)
    app.connect("build-finished", _unfreeze)
    app.connect("source-read", _add_provenance)
    app.connect("doctree-read", _mark_example_title, priority=600)
    app.add_directive("trt-provenance", Provenance)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
