"""``trt-shape-calculator``: the output-shape calculator, in the page, in the reader's language, offline.

Usage in a MyST page::

    ```{trt-shape-calculator}
    ```

The directive writes the form (labels and messages in the build's language); the rule runs in the
browser: ``trtdeconv-shape-rules.js`` is generated at every build from the package's one rule table
(:mod:`trtdeconv_docs.sphinx_ext.shape_rules_js`), ``static/trtdeconv-calculator.js`` does the checks, fills the
formulas in and draws which input elements and kernel taps form a chosen output element. A link can
fill the form: ``shape_calculator.html?input_shape=1,3,17,17&kernel_size_nd=4,4&...`` (the fields'
names are TensorRT's attribute names).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Dict, List, Tuple

from docutils import nodes
from docutils.parsers.rst import Directive

from ..layer.attributes import PADDING_MODES
from . import html_nodes, messages, shape_rules_js
from .messages import _

RULES_SCRIPT = "trtdeconv-shape-rules.js"
SCRIPT = "trtdeconv-calculator.js"

DEFAULTS = {"input_shape": "1,3,17,17", "num_output_maps": "3", "kernel_size_nd": "4,4", "stride_nd": "2,2",
            "padding_nd": "1,1", "pre_padding": "", "post_padding": "", "dilation_nd": "", "num_groups": "1",
            "output_index": "1,1"}
"""The form's first example (the issue's: a 17x17 map upsampled by a 4x4 kernel, stride 2, padding 1)."""


def fields() -> List[Tuple[str, str, str]]:
    """(name, label, hint) of every text field, in the build's language; names are TensorRT's."""
    return [
        ("input_shape", _("输入形状"), "N,C,H,W"),
        ("num_output_maps", "num_output_maps", _("输出通道数")),
        ("kernel_size_nd", "kernel_size_nd", "K,K"),
        ("stride_nd", "stride_nd", _("留空为 1")),
        ("padding_nd", "padding_nd", _("留空为 0")),
        ("pre_padding", "pre_padding", _("留空则取 padding_nd")),
        ("post_padding", "post_padding", _("留空则取 padding_nd")),
        ("dilation_nd", "dilation_nd", _("留空为 1")),
        ("num_groups", "num_groups", _("留空为 1")),
        ("output_index", _("查看的输出元素"), _("H,W（小例子）")),
    ]


def texts() -> Dict[str, object]:
    """The words the script shows, in the build's language (``{name}`` fields filled in by the script)."""
    return {
        "output_shape": _("输出形状："),
        "refused": _("TensorRT 拒绝这一层："),
        "ignored": _("padding_mode={mode} 自己决定裁剪量，不使用 {names}。"),
        "dimension": _("第 {dim} 维（{name}）："),
        "gather": _("输出元素 y[{index}] 由下面这些“输入元素 × 卷积核元素”相加得到（高亮）："),
        "gather_small": _("选一个小例子（2-D，输入每维不超过 20，输出每维不超过 48，卷积核每维不超过 9），就能看到组成一个输出元素的输入元素和卷积核元素。"),
        "channels": _("每个输出通道还要对它所在组（共 {groups} 组）的全部输入通道求和。"),
        "channels_one": _("每个输出通道还要对全部输入通道求和。"),
        "none": _("（没有乘积：该元素只有偏置）"),
        "input": _("输入 x"),
        "kernel": _("卷积核 w"),
        "messages": {
            "not_integers": _("{name}={values}：必须是整数。"),
            "int32": _("{name}={values}：TensorRT 只接受 32 位整数（最大 {high}）。"),
            "range": _("{name}={values}：每个值必须在 [{low}, {high}] 之内（TensorRT 8.6 实测）。"),
            "rank": _("{name}={values}：必须有 2 个（2-D）或 3 个（3-D）值。"),
            "kernel_volume": _("kernel_size_nd={values}：体积 {volume} 超过 TensorRT 8.6 的上限 {high}。"),
            "padding_mode": _("padding_mode={values} 不是 TensorRT 8.6 的填充模式。"),
            "dimension_count": _("{name}={values} 的维数与 kernel_size_nd 的 {rank} 维不同。"),
            "groups_divide_maps": _("num_groups 与 num_output_maps {values}：组数必须整除输出通道数。"),
            "groups_divide_channels": _("num_groups 与输入通道数 {values}：组数必须整除输入通道数。"),
            "input_rank_low": _("输入形状 {values}：至少需要 {needed} 维（N、C 和每个空间维）。"),
            "input_rank_high": _("输入形状 {values}：TensorRT 的张量最多 {high} 维。"),
            "input_size": _("输入形状 {values}：每一维都必须不小于 1。"),
            "tensor_volume": _("形状 {values} 有 {volume} 个元素，超过 TensorRT 的上限 {high}。"),
            "output_negative": _("第 {dim} 维的输出长度会是 {values}（小于 0）：完整输出只有 {full} 个元素，却要裁掉 {B}+{A} 个。"),
        },
    }


def form_html() -> str:
    """The calculator's HTML: the form, an empty result, and the script's words as JSON."""
    rows = []
    for name, label, hint in fields():
        value = DEFAULTS[name]
        rows.append(f'<label><span class="trtdeconv-calculator-label">{html.escape(label)}</span>'
                    f'<input name="{name}" value="{html.escape(value)}" placeholder="{html.escape(hint)}" '
                    f'inputmode="numeric" autocomplete="off" spellcheck="false"></label>')
    options = "".join(f'<option{" selected" if mode == PADDING_MODES[0] else ""}>{mode}</option>' for mode in PADDING_MODES)
    rows.insert(9, f'<label><span class="trtdeconv-calculator-label">padding_mode</span>'
                   f'<select name="padding_mode">{options}</select></label>')
    words = json.dumps(texts(), ensure_ascii=False).replace("</", "<\\/")
    title, without_script = html.escape(_("输出形状计算器")), html.escape(_("计算器需要 JavaScript；公式见下文。"))
    return ('<div class="trtdeconv-calculator">'
            f'<form class="trtdeconv-calculator-form" aria-label="{title}">'
            + "".join(rows) + "</form>"
            '<div class="trtdeconv-calculator-result" aria-live="polite"></div>'
            f'<script type="application/json" class="trtdeconv-calculator-text">{words}</script>'
            f'<noscript><p>{without_script}</p></noscript>'
            "</div>")


class calculator(nodes.General, nodes.Element):
    """Where the calculator goes; written as :func:`form_html` by the HTML builders (a raw node would be
    extracted for translation, since the project translates raw blocks: the form is in the build's language)."""


def _visit_html(translator, node) -> None:
    translator.body.append(form_html())
    raise nodes.SkipNode


class ShapeCalculator(Directive):
    """The calculator's form; the script fills the result in."""

    def run(self):
        """One :class:`calculator` node."""
        return [calculator()]


def _write_rules(app) -> None:
    """Generate ``trtdeconv-shape-rules.js`` into a static folder of this build."""
    folder = Path(app.doctreedir) / "trtdeconv_calculator_static"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / RULES_SCRIPT
    script = shape_rules_js.javascript()
    if not target.is_file() or target.read_text(encoding="utf-8") != script:
        target.write_text(script, encoding="utf-8")
    app.config.html_static_path = list(app.config.html_static_path) + [str(folder)]


def setup(app):
    """Register ``trt-shape-calculator`` and the two scripts (the rules' generated at every build)."""
    app.setup_extension(messages.__name__)
    html_nodes.add_html_only(app, calculator, _visit_html)
    app.add_directive("trt-shape-calculator", ShapeCalculator)
    app.connect("builder-inited", _write_rules)
    app.add_js_file(RULES_SCRIPT)
    app.add_js_file(SCRIPT)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
