"""The one exception for a network TensorRT refused to build, raised live and in replay alike."""

from __future__ import annotations

from typing import List


class EngineBuildError(RuntimeError):
    """TensorRT refused to build the network; ``messages`` holds the errors its logger said, in order."""

    def __init__(self, messages: List[str]):
        super().__init__("TensorRT could not build the network:\n" + "\n".join(messages))
        self.messages = list(messages)
