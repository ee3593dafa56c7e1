"""``trt-messages``: show what TensorRT logged when it refused a network, from the GPU recording.

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

from typing import Any, Dict, List

from docutils import nodes
from docutils.parsers.rst import directives

from . import messages
from .messages import _
from .trt_output import RecordedRunDirective, RecordingError


def refusal_messages(run: Dict[str, Any]) -> List[str]:
    """TensorRT's error lines of a refused run; :class:`RecordingError` if TensorRT built it."""
    if "refused" not in run:
        raise RecordingError("TensorRT built this run: it has no refusal messages")
    return [str(line).rstrip() for line in run["refused"]]


def ignored_messages(run: Dict[str, Any]) -> List[str]:
    """The errors of the calls TensorRT ignored in a run it built; :class:`RecordingError` otherwise."""
    if "refused" in run:
        raise RecordingError("TensorRT refused to build this run: its errors are a refusal, not an ignored call")
    if not run.get("definition_errors"):
        raise RecordingError("TensorRT built this run without logging an error for any call")
    return [str(line).rstrip() for line in run["definition_errors"]]


OUTCOMES = {"refused": refusal_messages, "ignored": ignored_messages}


class TrtMessages(RecordedRunDirective):
    """Renders a recorded refusal's messages as a literal block with a provenance caption."""

    name = "trt-messages"
    option_spec = {"run": directives.unchanged_required, "outcome": lambda value: directives.choice(value, OUTCOMES)}

    def run(self):
        """Look the run up in the recording; a build error if it is missing or its outcome is not the page's."""
        example, label = self.arguments[0], self.options.get("run", "")
        outcome = self.options.get("outcome", "refused")
        document, _run, lines = self.recorded_run(OUTCOMES[outcome])
        text = "\n".join(lines)
        block = nodes.literal_block(text, text, language="text", translatable=False)
        self.set_source_info(block)
        p = document["provenance"]
        words = (_("TensorRT {tensorrt} 在 {gpu} 上拒绝构建时的日志（{date}）；示例 {example}.py，运行 {label}。")
                 if outcome == "refused" else
                 _("TensorRT {tensorrt} 在 {gpu} 上忽略这次调用、照常构建引擎时的日志（{date}）；示例 {example}.py，运行 {label}。"))
        caption = words.format(tensorrt=p["tensorrt"], gpu=p["gpu"], date=p["date"][:10], example=example, label=label)
        paragraph = nodes.paragraph(caption, caption, classes=["trt-output-caption"], translatable=False)
        self.set_source_info(paragraph)
        return [block, paragraph]


def setup(app):
    """Register ``trt-messages`` (``trt_output`` registers the recordings folder's conf value)."""
    app.setup_extension(messages.__name__)
    app.add_directive("trt-messages", TrtMessages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
