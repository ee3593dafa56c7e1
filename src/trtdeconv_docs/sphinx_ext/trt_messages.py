"""``trt-messages``: show what TensorRT logged when it refused a network, from the GPU recording.

Usage in a MyST page::

    ```{trt-messages} plot_19_errors
    :run: kernel_count_mismatch
    ```

The argument names an example, ``:run:`` the label of one of its recorded runs. A refused
run's recording holds TensorRT's error lines (``refused``); they are shown verbatim as a
literal block (never translated) with a caption giving where and when TensorRT printed
them. A run that TensorRT built is a build error here: the page claims a refusal that the
recording does not show.
"""

from __future__ import annotations

from typing import List

from docutils import nodes

from . import messages
from .messages import _
from ..cassette.recording import Run
from ..errors import RecordingError
from .trt_output import RecordedRunDirective


def refusal_messages(run: Run) -> List[str]:
    """TensorRT's error lines of a refused run; :class:`~trtdeconv_docs.errors.RecordingError` if TensorRT built it."""
    if run.refused is None:
        raise RecordingError("TensorRT built this run: it has no refusal messages")
    return [str(line).rstrip() for line in run.refused]


class TrtMessages(RecordedRunDirective):
    """Renders a recorded refusal's messages as a literal block with a provenance caption."""

    name = "trt-messages"

    def run(self):
        """Look the run up in the recording; a build error if it is missing or was not refused."""
        example, label = self.arguments[0], self.options.get("run", "")
        recording, _run, lines = self.recorded_run(refusal_messages)
        text = "\n".join(lines)
        block = nodes.literal_block(text, text, language="text", translatable=False)
        self.set_source_info(block)
        p = recording.provenance
        caption = _("TensorRT {tensorrt} 在 {gpu} 上拒绝构建时的日志（{date}）；示例 {example}.py，运行 {label}。").format(
            tensorrt=p["tensorrt"], gpu=p["gpu"], date=p["date"][:10], example=example, label=label)
        paragraph = nodes.paragraph(caption, caption, classes=["trt-output-caption"], translatable=False)
        self.set_source_info(paragraph)
        return [block, paragraph]


def setup(app):
    """Register ``trt-messages`` (``trt_output`` registers the recordings folder's conf value)."""
    app.setup_extension(messages.__name__)
    app.add_directive("trt-messages", TrtMessages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
