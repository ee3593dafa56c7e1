"""The recorded-output directives: ``trt-output`` (a tensor TensorRT printed) and ``trt-messages`` (a refusal, or an ignored call).

``trt-output``: show a tensor that TensorRT printed on a GPU, from its recording.

Usage in a MyST page::

    ```{trt-output} plot_03_stride
    :run: stride_nd=(2,2)
    :tensor: output
    :color: 0,0,0,0=green; 0,0,2,2=blue; 0,0,4,4=red
    ```

The argument names an example (``examples/<name>.py``); ``:run:`` is the label of one of
its recorded runs; ``:tensor:`` is ``output`` (the default: the run's only output),
``input`` (its only input) or a tensor name; ``:color:`` colours single elements
(``green``, ``blue``, ``red``). The directive reads ``<trtdeconv_recordings_dir>/<name>.json``
(a conf value; default: ``recordings/tensors`` beside the documentation's folder) and emits the tensor as
display math (:mod:`trtdeconv_docs.sphinx_ext.matrix_latex`) with a caption giving its shape and where
and when TensorRT printed it. A missing recording, run or tensor is a build error naming
the page, the example and the run; the recording is a dependency of the page.

``trt-messages``: show what TensorRT logged when it refused a network or ignored a call, from the GPU recording.

Usage in a MyST page::

    ```{trt-messages} plot_19_errors
    :run: kernel_count_mismatch
    ```

The argument names an example, ``:run:`` the label of one of its recorded runs. A refused
run's recording holds TensorRT's error lines (``refused``); they are shown verbatim as a
literal block (never translated) with a caption giving where and when TensorRT printed
them. ``:outcome: ignored`` shows instead the errors TensorRT logged for a call it rejected
and ignored (a setter given an out-of-range value) in a network it then built
(``definition_errors``). The outcome is the page's claim: a run whose recording shows the
other outcome is a build error (a page never says "refused" for an engine that built).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ..cassette import recording
from ..cassette.recording import Recording, Run
from ..errors import RECORD_ON_GPU, RecordingError
from . import matrix_latex, messages
from .messages import _


def recordings_dir(config, srcdir) -> Path:
    """``trtdeconv_recordings_dir`` (relative to the source folder), else ``recordings/tensors``."""
    configured = config.trtdeconv_recordings_dir
    return Path(srcdir, configured) if configured else recording.folder()


def parse_highlights(text: str) -> Dict[Tuple[int, ...], str]:
    """``"0,0,0,0=green; 0,0,2,2=blue"`` as ``{(0, 0, 0, 0): "green", (0, 0, 2, 2): "blue"}``."""
    highlights = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        index, _, color = item.partition("=")
        try:
            key = tuple(int(v) for v in index.split(","))
        except ValueError:
            raise ValueError(f":color: item {item!r} is not 'i,j,...=colour'") from None
        if color.strip() not in matrix_latex.COLORS:
            raise ValueError(f":color: item {item!r}: colour must be one of {', '.join(matrix_latex.COLORS)}")
        highlights[key] = color.strip()
    return highlights


def caption_text(recording: Recording, run: Run, kind: str, name: str, shape) -> str:
    """Shape and provenance, e.g. ``形状 (1, 1, 7, 7)；由 TensorRT 8.6.0 在 … 上打印（2026-11-24，CUDA 12.9）；``."""
    p = recording.provenance
    settings = run.settings
    details = [p["date"][:10], f"CUDA {p['cuda_runtime']}"]
    if settings.get("tf32"):
        details.append(_("允许 TF32"))
    if settings.get("int8"):
        details.append("INT8")
    if kind == "output":
        what = _("由 TensorRT {tensorrt} 在 {gpu} 上打印")
    else:
        what = _("输入张量 {name}，TensorRT {tensorrt} 在 {gpu} 上运行时送入")
    what = what.format(name=name, tensorrt=p["tensorrt"], gpu=p["gpu"])
    return _("形状 {shape}；{what}（{details}）；").format(shape=tuple(shape), what=what, details=_("，").join(details))


class RecordedRunDirective(SphinxDirective):
    """A directive whose argument names an example and whose ``:run:`` names one of its recorded runs."""

    required_arguments = 1
    option_spec = {"run": directives.unchanged_required}
    name = "trt-output"

    def recorded_run(self, use) -> Tuple[Recording, Run, Any]:
        """(recording, run, ``use(run)``); any problem is a build error naming page, example and run."""
        example, label = self.arguments[0], self.options.get("run", "")
        folder = recordings_dir(self.config, self.env.srcdir)
        path = folder / f"{example}.json"
        self.env.note_dependency(str(path))
        try:
            if path.resolve().parent != folder.resolve():
                raise RecordingError(f"{example!r} names a file outside {folder}: give the example's name "
                                     f"(plot_03_stride)")
            if not label:
                raise RecordingError("the :run: option (the run's label) is required")
            if not path.is_file():
                raise RecordingError(f"no GPU recording {path}; {RECORD_ON_GPU}")
            recording = Recording.read(path)
            run = recording.run(label)
            return recording, run, use(run)
        except (RecordingError, ValueError) as error:
            raise self.error(f"{self.name} in page {self.env.docname!r}, example {example!r}, "
                             f"run {label!r}: {error}") from None


class TrtOutput(RecordedRunDirective):
    """Renders one recorded tensor as nested matrices with a provenance caption."""

    option_spec = {"run": directives.unchanged_required, "tensor": directives.unchanged,
                   "color": directives.unchanged}

    def run(self):
        """Look the tensor up in the recording; a build error if anything is missing."""
        example, label = self.arguments[0], self.options.get("run", "")

        def tensor_and_latex(run):
            kind, name, array = run.tensor(self.options.get("tensor", "output").strip())
            return kind, name, array, matrix_latex.tensor(array, parse_highlights(self.options.get("color", "")))

        recording, run, (kind, name, array, latex) = self.recorded_run(tensor_and_latex)
        math = nodes.math_block(latex, latex, docname=self.env.docname, number=None, label=None, nowrap=False,
                                translatable=False)  # recorded numbers: nothing to translate
        self.set_source_info(math)
        return [math, self._caption(recording, run, kind, name, array.shape, example, label)]

    def _caption(self, recording, run, kind, name, shape, example, label) -> nodes.paragraph:
        gallery = self.config.sphinx_gallery_conf["gallery_dirs"]
        link = addnodes.pending_xref("", nodes.literal(f"{example}.py", f"{example}.py"), refdomain="std",
                                     reftype="doc", reftarget=f"/{gallery}/{example}", refexplicit=True,
                                     refwarn=True, refdoc=self.env.docname)
        text = caption_text(recording, run, kind, name, shape)
        paragraph = nodes.paragraph("", "", nodes.Text(text + _("示例 ")), link,
                                    nodes.Text(_("，运行 ")), nodes.literal(label, label), nodes.Text(_("。")),
                                    classes=["trt-output-caption"], translatable=False)
        self.set_source_info(paragraph)  # translated by the extension's catalog, not the page's
        return paragraph


def refusal_messages(run: Run) -> List[str]:
    """TensorRT's error lines of a refused run; :class:`~trtdeconv_docs.errors.RecordingError` if TensorRT built it."""
    if run.refused is None:
        raise RecordingError("TensorRT built this run: it has no refusal messages")
    return [str(line).rstrip() for line in run.refused]


def ignored_messages(run: Run) -> List[str]:
    """The errors of the calls TensorRT ignored in a run it built; :class:`~trtdeconv_docs.errors.RecordingError` otherwise."""
    if run.refused is not None:
        raise RecordingError("TensorRT refused to build this run: its errors are a refusal, not an ignored call")
    if not run.definition_errors:
        raise RecordingError("TensorRT built this run without logging an error for any call")
    return [str(line).rstrip() for line in run.definition_errors]


OUTCOMES = {"refused": refusal_messages, "ignored": ignored_messages}


class TrtMessages(RecordedRunDirective):
    """Renders a recorded refusal's (or ignored call's) messages as a literal block with a provenance caption."""

    name = "trt-messages"
    option_spec = {"run": directives.unchanged_required, "outcome": lambda value: directives.choice(value, OUTCOMES)}

    def run(self):
        """Look the run up in the recording; a build error if it is missing or its outcome is not the page's."""
        example, label = self.arguments[0], self.options.get("run", "")
        outcome = self.options.get("outcome", "refused")
        recording, _run, lines = self.recorded_run(OUTCOMES[outcome])
        text = "\n".join(lines)
        block = nodes.literal_block(text, text, language="text", translatable=False)
        self.set_source_info(block)
        p = recording.provenance
        words = (_("TensorRT {tensorrt} 在 {gpu} 上拒绝构建时的日志（{date}）；示例 {example}.py，运行 {label}。")
                 if outcome == "refused" else
                 _("TensorRT {tensorrt} 在 {gpu} 上忽略这次调用、照常构建引擎时的日志（{date}）；示例 {example}.py，运行 {label}。"))
        caption = words.format(tensorrt=p["tensorrt"], gpu=p["gpu"], date=p["date"][:10], example=example, label=label)
        paragraph = nodes.paragraph(caption, caption, classes=["trt-output-caption"], translatable=False)
        self.set_source_info(paragraph)
        return [block, paragraph]


def setup(app):
    """Register ``trt-output``, ``trt-messages`` and the ``trtdeconv_recordings_dir`` conf value."""
    app.setup_extension(messages.__name__)
    app.add_config_value("trtdeconv_recordings_dir", None, "env", types=frozenset({str, type(None)}))
    app.add_directive("trt-output", TrtOutput)
    app.add_directive("trt-messages", TrtMessages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
