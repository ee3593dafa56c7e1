"""The ONNX ``ConvTranspose`` cases in pages: tables, TensorRT's messages and ``polygraphy run``, from recordings.

Usage in a MyST page::

    ```{onnx-case-table}
    :topics: output_padding pads
    ```

    ```{onnx-messages} output_shape_too_large_2d
    :expect: negative pre-padding
    ```

    ```{onnx-polygraphy} output_shape_2d
    :expect: FAILED | Mismatched outputs
    ```

``onnx-case-table`` renders one row per case of :data:`trtdeconv_docs.onnx_path.cases.CASES`
(of the given topics) and builder precision: its ONNX attributes, what TensorRT's parser
built (or that it refused), the deconvolution's attributes as TensorRT reports them, and the
output beside ONNX Runtime's (computed during the build, on the CPU) and PyTorch's (recorded),
from :mod:`trtdeconv_docs.onnx_path.report`. ``onnx-messages`` shows the parser's or the
builder's messages verbatim (``:expect:`` must occur in them, else the build fails: a heading
that names a message TensorRT did not print). A case this package's recorder failed on
(``summary.json``'s ``failed``) is a row saying so, with the command that records it, and the
build fails if no table on the site shows it. ``onnx-polygraphy`` shows a recorded
``polygraphy run`` command and its output. A case whose model changed since it was recorded stops
the build with the command that records it (:mod:`trtdeconv_docs.onnx_path.recorded`).
"""

from __future__ import annotations

from typing import List

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

from ..onnx_path import cases, onnx_runtime, recorded, recorder, report
from ..onnx_path.pytorch_peer import FOLDER as PYTORCH_FOLDER
from . import messages, tables
from .tables import table_node
from .messages import _


def _shapes(values) -> str:
    return " ".join(f"``{list(v)}``" for v in values)


def _comparison(comparisons: List[report.Comparison]) -> str:
    parts = []
    for c in comparisons:
        if c.error:
            parts.append(_("拒绝：{error}").format(error=c.error))
        elif c.max_abs_difference is None:
            parts.append(_("形状不同：``{shape}``").format(shape=c.other_shape))
        else:
            parts.append(f"``{c.max_abs_difference:.3g}``")
    return " ".join(parts)


def onnx_cell(case) -> str:
    """The node's attributes and the model's traits as one line of ``code`` spans, in the build's language."""
    parts = [f"``{name}={value}``".replace("'", "") for name, value in case.attributes.items()]
    traits = [_("无 ``B``") if not case.bias else "", _("``W`` 为图输入") if case.weights_as_input else "",
              f"Q/DQ ``{case.qdq}``" if case.qdq else "", case.quantized_by or "",
              _("动态 {dimensions}").format(dimensions=", ".join(f"``{v}``" for v in case.dynamic.values()))
              if case.dynamic else ""]
    return " ".join(parts + [t for t in traits if t])


def deconvolution_cell(summary: report.Summary) -> str:
    """The deconvolution layer's read-back attributes that differ from TensorRT's defaults ('' without one)."""
    if not summary.deconvolution:
        return ""
    shown = report.non_default(summary.deconvolution)
    return " ".join(f"``{k}={v}``".replace("'", "") for k, v in shown.items()) or _("全部为默认值")


def headers():
    """The table's column headers, in the build's language."""
    return (_("用例"), _("ONNX 属性"), _("TensorRT 的解析器建的层"), _("反卷积层的属性（TensorRT 读回，默认值不列出）"),
            _("TensorRT 输出形状"), _("与 ONNX Runtime 的最大差"), _("与 PyTorch 的最大差"))


def row(summary: report.Summary) -> List[str]:
    """One table row of a :class:`~trtdeconv_docs.onnx_path.report.Summary`."""
    name = f"``{summary.case.name}``" + (f" ({summary.precision})" if len(summary.case.precisions) > 1 else "")
    if summary.outcome == report.RECORDER_FAILURE:
        return [name, onnx_cell(summary.case), not_recorded(summary), "", "", "", ""]
    if summary.outcome == "parser":
        return [name, onnx_cell(summary.case), _("解析器拒绝"), "", "", "", ""]
    layers = " → ".join(f"``{layer}``" for layer in summary.layers)
    if summary.outcome == "builder":
        layers += " " + _("（构建器拒绝）")
    deconvolution = deconvolution_cell(summary)
    if summary.pytorch_not_expressible:
        pytorch = _("PyTorch 无对应参数")
    else:
        pytorch = _comparison(summary.pytorch)
    return [name, onnx_cell(summary.case), layers, deconvolution,
            _shapes(c.tensorrt_shape for c in summary.onnxruntime), _comparison(summary.onnxruntime), pytorch]


def not_recorded(summary: report.Summary) -> str:
    """The cell of a case this package's recorder failed on: not recorded, why, and the command that records it."""
    return _("未录制：本包的读取代码处理 TensorRT 的输出时出错，已修复（{error}）；重新录制："
             "``{command}``").format(error=summary.messages[0], command=recorder.command_for(summary.case.name))


def provenance_text() -> str:
    """Where the numbers come from: TensorRT's GPU run, this build's ONNX Runtime, PyTorch's GPU run."""
    trt = recorded.provenance()
    torch = recorded.provenance(PYTORCH_FOLDER)
    return _("TensorRT {tensorrt} 在 {gpu} 上（{date}）；ONNX Runtime {onnxruntime} 在本次构建的 CPU 上；"
             "PyTorch {torch} 在 {torch_gpu} 上（{torch_date}）。").format(
        tensorrt=trt["tensorrt"], gpu=trt["gpu"], date=trt["date"][:10], onnxruntime=onnx_runtime.version(),
        torch=torch["torch"], torch_gpu=torch["gpu"], torch_date=torch.get("date", "")[:10])


class _OnnxDirective(SphinxDirective):
    def note_recordings(self) -> None:
        """Rebuild the page when a recording or a committed model changes."""
        for path in recorded.recorded_folders():
            self.env.note_dependency(str(path))
        for case in cases.CASES:
            self.env.note_dependency(str(cases.model_path(recorded.models_root(), case)))

    def caption(self, text: str) -> nodes.paragraph:
        paragraph = nodes.paragraph(text, text, classes=["trt-output-caption"], translatable=False)
        self.set_source_info(paragraph)
        return paragraph


class OnnxCaseTable(_OnnxDirective):
    """The cases of some topics as a table, with the provenance of its numbers below."""

    option_spec = {"topics": directives.unchanged}

    def run(self):
        """Build the table from the recordings."""
        self.note_recordings()
        topics = self.options.get("topics", "").split()
        unknown = sorted(set(topics) - {c.topic for c in cases.CASES})
        if unknown:
            raise self.error(f"onnx-case-table in page {self.env.docname!r}: unknown topic(s) {', '.join(unknown)}")
        summaries = report.summaries(topics)
        shown_cases(self.env).setdefault(self.env.docname, set()).update(s.case.name for s in summaries)
        table = table_node(headers(), [row(s) for s in summaries], widths=(3, 4, 3, 4, 2, 2, 2))
        table["classes"].append("onnx-case-table")
        return [table, self.caption(provenance_text())]


class OnnxMessages(_OnnxDirective):
    """What TensorRT's parser or builder said when it refused a case, verbatim."""

    required_arguments = 1
    option_spec = {"precision": directives.unchanged, "expect": directives.unchanged_required}

    def run(self):
        """The messages as a literal block; a build error if the case was not refused or lacks ``:expect:``."""
        self.note_recordings()
        name, precision = self.arguments[0], self.options.get("precision", "fp32")
        where = f"onnx-messages in page {self.env.docname!r}, case {name!r}"
        if name not in cases.BY_NAME:
            raise self.error(f"{where}: no such case")
        summary = report.summarize(cases.BY_NAME[name], precision)
        if summary.outcome == "built" or not summary.messages:
            raise self.error(f"{where}: TensorRT built and ran this case: it has no refusal messages")
        text = "\n".join(summary.messages)
        expected = self.options.get("expect", "")
        if not expected or expected not in text:
            raise self.error(f"{where}: the :expect: text {expected!r} is not in what TensorRT printed")
        block = nodes.literal_block(text, text, language="text", translatable=False)
        self.set_source_info(block)
        p = recorded.provenance()
        stage = {"parser": _("解析器"), "builder": _("构建器"), "runtime": _("运行时")}[summary.outcome]
        caption = _("TensorRT {tensorrt} 的{stage}在 {gpu} 上的原话（{date}）；模型 {model}，{precision}。").format(
            tensorrt=p["tensorrt"], stage=stage, gpu=p["gpu"], date=p["date"][:10],
            model=f"{cases.MODELS}/{name}.onnx", precision=precision)
        return [block, self.caption(caption)]


class OnnxPolygraphy(_OnnxDirective):
    """A recorded ``polygraphy run`` command and its output (``:expect:``, if given, must occur in it)."""

    required_arguments = 1
    option_spec = {"expect": directives.unchanged_required}

    def run(self):
        """The command and its output as a console block, with its exit status and provenance below."""
        self.note_recordings()
        name = self.arguments[0]
        if name not in cases.BY_NAME:
            raise self.error(f"onnx-polygraphy in page {self.env.docname!r}: no such case {name!r}")
        result = recorded.polygraphy(cases.BY_NAME[name])
        text = "\n".join(part.rstrip("\n") for part in (f"$ {result['command']}", result["stdout"], result["stderr"])
                         if part.strip())
        expected = self.options.get("expect")
        if expected is not None and expected not in text:
            raise self.error(f"onnx-polygraphy in page {self.env.docname!r}, case {name!r}: the :expect: text "
                             f"{expected!r} is not in what polygraphy printed")
        block = nodes.literal_block(text, text, language="console", translatable=False)
        self.set_source_info(block)
        p = recorded.provenance()
        caption = _("在 {gpu} 上运行（TensorRT {tensorrt}，{date}），退出状态 {status}。").format(
            gpu=p["gpu"], tensorrt=p["tensorrt"], date=p["date"][:10], status=result["returncode"])
        return [block, self.caption(caption)]


def shown_cases(env) -> dict:
    """The case names each page's ``onnx-case-table`` shows (``{docname: {case, ...}}``), kept in the environment."""
    if not hasattr(env, "trtdeconv_onnx_shown"):
        env.trtdeconv_onnx_shown = {}
    return env.trtdeconv_onnx_shown


def _purge(app, env, docname) -> None:
    shown_cases(env).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    shown_cases(env).update({name: shown_cases(other)[name] for name in docnames if name in shown_cases(other)})


def unshown_failures(shown: dict) -> List[str]:
    """The cases the GPU run failed on (``summary.json``) that no ``onnx-case-table`` shows as not recorded."""
    everywhere = set().union(*shown.values())
    return [name for name in report.failed_cases() if name not in everywhere]


def check_failures_shown(app, env) -> None:
    """Fail the build where a case the recorder failed on is shown nowhere (a site with ONNX tables only)."""
    shown = shown_cases(env)
    if not shown:
        return
    missing = unshown_failures(shown)
    if missing:
        topics = " ".join(sorted({cases.BY_NAME[name].topic for name in missing}))
        raise ExtensionError(f"trtdeconv-docs: ONNX case(s) {', '.join(missing)} failed in the recorder "
                             f"(recordings/onnx/summary.json) but no onnx-case-table shows them as not recorded: "
                             f"add the topic(s) {topics} to an onnx-case-table's :topics:")


def setup(app):
    """Register ``onnx-case-table``, ``onnx-messages`` and ``onnx-polygraphy``."""
    app.setup_extension(messages.__name__)
    app.setup_extension(tables.__name__)  # its wbr node
    app.add_directive("onnx-case-table", OnnxCaseTable)
    app.add_directive("onnx-messages", OnnxMessages)
    app.add_directive("onnx-polygraphy", OnnxPolygraphy)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", check_failures_shown)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
