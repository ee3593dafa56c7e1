"""The last GPU re-verification on the site: the provenance note's sentence and ``trt-reproduced``.

The re-verification (:mod:`trtdeconv_docs.cassette.reverification`) re-runs every recording on a GPU and
classifies each run. :func:`reproduced_sentence` is its summary, which the gallery's provenance note and the
performance page carry. ``trt-reproduced`` shows the summary and one row per example run that was not
bit-identical: which run, how it differed, by how much and why, as the report says. Usage in a MyST page::

    ```{trt-reproduced}
    ```
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from docutils import nodes
from docutils.parsers.rst import Directive

from ..benchmark.reverification import CLOCK_RATIO
from ..cassette import reverification
from . import messages
from .messages import _
from .tables import table_node


def reproduced_sentence() -> str:
    """When and where a GPU last reproduced the recordings, and how the runs compared; empty if never."""
    return summary_sentence(reverification.latest())


def summary_sentence(last: Optional[reverification.Reproduced]) -> str:
    """:func:`reproduced_sentence` of an already read re-verification (``None``: never run, '')."""
    if last is None:
        return ""
    return _("{date}，TensorRT {tensorrt} 在 {gpu} 上把 {total} 次已记录的运行独立地再跑了一遍并与记录比较：{identical} 次逐位相同，"
             "{last_bits} 次的差异在求和顺序的误差界之内，{differs} 次不同。").format(
        date=last.date, tensorrt=last.tensorrt, gpu=last.gpu, total=last.total, **last.counts) + benchmark_sentence(last)


def benchmark_sentence(last: Optional[reverification.Reproduced]) -> str:
    """How the benchmark rows measured again at the last re-verification compared; empty if none were."""
    if last is None or not last.benchmark:
        return ""
    counts = {"consistent": 0, "inconsistent": 0, **last.benchmark}
    return _("同一次还用同样的方法重测了 {measured} 个基准测试行：{consistent} 个的中位数落在记录的四分位距内"
             "（两侧各放宽 {ratio} 倍，即同型号 GPU 基础频率与加速频率之比），{inconsistent} 个不在。").format(
        measured=sum(counts.values()), ratio=CLOCK_RATIO, **counts)


def why_text(entry: Dict[str, Any]) -> str:
    """Why one example run of the report was not bit-identical, in the build's language."""
    if entry["status"] == "last_bits" or "why" not in entry:
        said = _("差异是求和顺序误差界的 {ratio} 倍（两次运行各自离准确值最多一个界，合计 {limit} 倍以内算末位差异）").format(
            ratio=f"{entry['bounds']:.2g}", limit=f"{reverification.SUMMATION_BOUNDS:g}")
    else:
        said = {reverification.OTHER_SHAPES: _("输出的名字或形状不同"),
                reverification.NOT_RECOMPUTABLE: _("参考模型算不出这次运行的误差界（记录没有保存它的全部输入数组），无法判断差异的大小是否正常"),
                reverification.REFUSAL_DIFFERS: _("一次构建被拒绝而另一次没有，或拒绝的消息不同")}[entry["why"]]
    named = [pair for pair in entry.get("tactics_changed", {}).values() if any(pair)]  # unnamed both times: not told
    return said + (_("；TensorRT 为 {layers} 个层换了内核").format(layers=len(named)) if named else "")


def unlike_rows(unlike: List[Dict[str, Any]]) -> List[List[str]]:
    """One table row per example run that was not bit-identical: recording, run, result, largest difference, why."""
    results = {"last_bits": _("末位差异"), "differs": _("不同")}
    return [[f"``{entry['example']}``", f"``{entry['run']}``", results[entry["status"]],
             f"{entry['max_abs']:.3g}" if entry.get("max_abs") is not None else "", why_text(entry)] for entry in unlike]


class ReproducedTable(Directive):
    """``trt-reproduced``: the last re-verification's summary and its example runs that were not bit-identical."""

    def run(self):
        """The summary paragraph, then the table (none when every example run was identical)."""
        last = reverification.latest()
        summary = nodes.paragraph("", _("这些记录还没有在 GPU 上重新验证过。") if last is None else summary_sentence(last))
        summary["translatable"] = False  # generated: the extension's catalog translates it, the page's must not see it
        shown: List[nodes.Node] = [summary]
        if last is not None and last.unlike:
            headers = (_("记录文件"), _("运行"), _("结果"), _("最大绝对差"), _("说明"))
            shown.append(table_node(headers, unlike_rows(last.unlike), widths=(4, 3, 2, 2, 8)))
        return shown


def setup(app):
    """Register ``trt-reproduced``."""
    app.setup_extension(messages.__name__)
    app.add_directive("trt-reproduced", ReproducedTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
