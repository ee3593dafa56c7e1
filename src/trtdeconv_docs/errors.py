"""Every exception of the package, once."""

from __future__ import annotations

from typing import List


class EngineBuildError(RuntimeError):
    """TensorRT refused to build the network; ``messages`` holds the errors its logger said, in order."""

    def __init__(self, messages: List[str]):
        super().__init__("TensorRT could not build the network:\n" + "\n".join(messages))
        self.messages = list(messages)


class ReplayError(RuntimeError):
    """An example asked the replay for something it cannot answer honestly."""


class ReplayMiss(SystemExit):
    """The run asked for was never recorded on a GPU.

    A ``SystemExit``, not an ``Exception``: Sphinx and sphinx-gallery answer exceptions
    with tracebacks and crash reports, while this needs one message and a failed build.
    """


class RecordingError(RuntimeError):
    """A recording that cannot be trusted or read, or lacks the run or tensor asked for; the message is one line."""


RECORD_ON_GPU = ("record it on a machine with TensorRT and a GPU: `python -m trtdeconv_docs.gpu_gallery` "
                 "(README: Refreshing the recordings), then commit recordings/")
"""The one sentence that says how to record an example's runs again."""
