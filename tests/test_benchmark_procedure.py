"""What the performance page says about how the benchmark measured, outside the method section's views, comes from
the recording (issue 21, "a conclusion is an experiment"):

* the procedure's step 1 names the interface the runner took per-layer times from only through
  ``{trt-benchmark-said}`per-layer``` (the runs' ``method.per_layer``), and says so when the recording does not hold it;
* an earlier session whose runs were carried (:func:`trtdeconv_docs.benchmark.merge.carry_earlier`) is described by what
  its runs record (``flags``, ``cuda_graph``, ``method``); its runner's ``settings.timing`` is named as typed text and
  never quoted, and the merge writes no description of a method into ``earlier_method``.

Each in both languages, on the committed recording and on copies with one field changed or removed.
"""

import copy
import dataclasses
import gettext
import re
from pathlib import Path

import pytest

from trtdeconv_docs import translations
from trtdeconv_docs.benchmark import analysis, pytorch_file, tensorrt_file
from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.cassette.publisher import publish, write_json
from trtdeconv_docs.sphinx_ext import benchmark as directive
from trtdeconv_docs.sphinx_ext import benchmark_method as views
from trtdeconv_docs.sphinx_ext import messages

from .support.sphinx_failure import failed_build_message
from .support.paths import DOCS

REAL = recordings.root() / "benchmark"
PER_LAYER = {"profiler": "IProfiler", "executions": 20, "call": "execute_async_v3"}
"""``method.per_layer`` as the TensorRT runner writes it (tests/test_benchmark_runner_fake.py proves the names)."""


@pytest.fixture(scope="module")
def real():
    return analysis.load(REAL)


@pytest.fixture
def english(monkeypatch, tmp_path):
    """The package catalog's English in force for :func:`messages._`, as in an English build."""
    messages.compile_catalogs(translations.LOCALE_DIR, tmp_path)
    compiled = gettext.translation(translations.CATALOG, localedir=str(tmp_path), languages=["en"])
    monkeypatch.setattr(messages, "_translation", compiled.gettext)


def with_per_layer(bench, only=None, **change):
    """A copy whose TensorRT runs measured anew (the first ``only`` of them) hold ``method.per_layer`` (+ ``change``)."""
    document = copy.deepcopy(bench.tensorrt)
    for record in [r for r in analysis.anew(document) if "layer_times_ms" in r][:only]:
        record.setdefault("method", {})["per_layer"] = dict(PER_LAYER, **change)
    return dataclasses.replace(bench, tensorrt=document)


def earlier_changed(bench, change=None, session_change=None):
    """A copy whose carried runs went through ``change`` and whose earlier session through ``session_change``."""
    document = copy.deepcopy(bench.tensorrt)
    for record in document["runs"]:
        if "earlier_method" in record and change:
            change(record)
    for session in document.get("sessions", []):
        if session_change:
            session_change(session)
    return dataclasses.replace(bench, tensorrt=document)


def per_layer(bench) -> str:
    return views.INLINE["per-layer"](bench)


def test_the_committed_recording_does_not_say_which_interface_timed_the_layers_and_the_page_says_so(real):
    assert not any("method" in r for r in analysis.anew(real.tensorrt))
    said = per_layer(real)
    assert "没有记下" in said and "（``method.per_layer``）" in said and "不作断言" in said
    assert "IProfiler" not in said and "就是这样" not in said


def test_the_per_layer_interface_follows_its_field(real):
    said = per_layer(with_per_layer(real))
    runs = len([r for r in analysis.anew(real.tensorrt) if "layer_times_ms" in r])
    assert f"本页的运行器就是这样取每层时间的：记录的 ``method.per_layer`` 是 ``IProfiler``，挂在 ``execute_async_v3`` 上（{runs} / {runs} 次运行）" == said
    other = per_layer(with_per_layer(real, profiler="IProfilerV2", call="execute_v2"))
    assert "``IProfilerV2``，挂在 ``execute_v2`` 上" in other and "``IProfiler``，" not in other
    assert f"（1 / {runs} 次运行）" in per_layer(with_per_layer(real, only=1))


def test_the_per_layer_interface_in_english(real, english):
    said = per_layer(real)
    assert "does not record" in said and "(``method.per_layer``)" in said and "IProfiler" not in said
    assert not re.search(r"[\u4e00-\u9fff]", said)
    stated = per_layer(with_per_layer(real, profiler="IProfilerV2"))
    assert "``IProfilerV2``" in stated and "does not record" not in stated
    assert not re.search(r"[\u4e00-\u9fff]", stated)


def test_the_earlier_session_is_described_by_what_its_runs_record(real):
    scope = directive.scope_text(real)
    carried = [r for r in real.tensorrt["runs"] if "earlier_method" in r]
    assert len(directive.carried_runs(real, real.tensorrt["sessions"][0])) == len(carried) > 0
    assert "旧记录的运行记下的精度标志（``flags``）：" in scope and "FP16：``TF32``、``FP16``" in scope
    assert "旧记录没有记下：是否用 CUDA graph 重放（``cuda_graph``）" in scope and "（``method.clock``）" in scope
    assert "``sessions[].settings.timing``" in scope and "不据此断言" in scope
    # the earlier runner's typed words and the merge's typed description reach no view
    typed = [real.tensorrt["sessions"][0]["settings"]["timing"], carried[0]["earlier_method"].split(": ", 1)[1]]
    headers, rows = directive.earlier_table(real)
    shown = [scope, directive.provenance_text(real), *(cell for row in rows for cell in row)]
    assert not any(words in text for words in typed for text in shown)
    assert "CUDA 事件" not in scope and "计时方式不同" not in scope


def test_the_earlier_sessions_words_change_with_its_runs_records(real):
    scope = directive.scope_text(real)
    fp32_flags = earlier_changed(real, lambda r: r.update(flags=["TF32"]) if r["precision"] == "fp16" else None)
    assert "FP16：``TF32``，" in directive.scope_text(fp32_flags)
    graphs = earlier_changed(real, lambda r: r.update(cuda_graph=False, method={
        "call": "execute_async_v3", "calls_per_launch": 1, "launch": "execute_async_v3", "clock": "cudaEventElapsedTime"}))
    timed = directive.scope_text(graphs)
    count = len(directive.carried_runs(real, real.tensorrt["sessions"][0]))
    assert f"0 / {count} 次运行的 GPU 时间来自 CUDA graph 重放" in timed and "旧记录没有记下" not in timed
    assert "每个样本是一次 ``execute_async_v3``，用 ``cudaEventElapsedTime`` 读出" in timed
    untyped = directive.scope_text(earlier_changed(real, session_change=lambda s: s["settings"].pop("timing")))
    assert "settings.timing" not in untyped and untyped != scope
    no_flags = directive.scope_text(earlier_changed(real, lambda r: r.pop("flags")))
    assert "精度标志（``flags``）：" not in no_flags and "构建的精度标志（``flags``）" in no_flags


def test_the_earlier_session_in_english(real, english):
    scope = directive.scope_text(real)
    earlier = scope[scope.index("NVIDIA H200"):]
    assert "``TF32``" in earlier and "``cuda_graph``" in earlier and "``sessions[].settings.timing``" in earlier
    assert not re.search(r"[\u4e00-\u9fff]", scope) and "verdict. The precision flags" in scope
    graphs = directive.scope_text(earlier_changed(real, lambda r: r.update(cuda_graph=True)))
    count = len(directive.carried_runs(real, real.tensorrt["sessions"][0]))
    assert graphs != scope and f"The GPU time of {count} of {count} runs comes from CUDA graph replay" in graphs
    assert not re.search(r"[\u4e00-\u9fff]", graphs)


def publish_benchmark(app, edit=None) -> None:
    """Publish the committed benchmark recording into the test root, after ``edit(tensorrt document)`` if given."""
    scratch = Path(app.srcdir) / "scratch"
    scratch.mkdir(exist_ok=True)
    documents = {name: recordings.read_json(REAL / name) for name in (tensorrt_file, pytorch_file)}
    if edit:
        edit(documents[tensorrt_file])
    for name, document in documents.items():
        write_json(scratch / name, document)
    publish(scratch, Path(app.srcdir) / "recordings" / "benchmark", recordings.provenance(REAL),
            command="tests/test_benchmark_procedure.py")


def profiled(document) -> None:
    """Re-record, for the test only, every TensorRT run measured anew as the runner now writes ``method.per_layer``."""
    for record in analysis.anew(document):
        if "layer_times_ms" in record:
            record.setdefault("method", {})["per_layer"] = dict(PER_LAYER)


def rendered(app, edit=None) -> str:
    """The page's step-1 paragraph, built over the committed recording (after ``edit``), with no warning."""
    publish_benchmark(app, edit)
    app.build()
    assert app.warning.getvalue() == ""
    body = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    paragraph = body[body.index("trt.IProfiler"):]
    paragraph = paragraph[:paragraph.index("</p>")]
    assert 'class="benchmark-said"' in paragraph
    return paragraph


@pytest.mark.sphinx("html", testroot="benchmark-said", srcdir="said-zh", freshenv=True, warningiserror=True)
def test_the_role_says_in_the_page_that_the_committed_recording_does_not_record_the_interface(app):
    paragraph = rendered(app)
    assert "没有记下本页的运行器从哪个接口取每层时间" in paragraph and "IProfiler</span></code>，" not in paragraph


@pytest.mark.sphinx("html", testroot="benchmark-said", srcdir="said-zh-profiled", freshenv=True, warningiserror=True)
def test_the_role_states_the_interface_a_recording_holds(app):
    paragraph = rendered(app, profiled)
    assert "本页的运行器就是这样取每层时间的" in paragraph and "IProfiler" in paragraph and "没有记下" not in paragraph


@pytest.mark.sphinx("html", testroot="benchmark-said", srcdir="said-en", freshenv=True, warningiserror=True,
                    confoverrides={"language": "en"})
def test_the_role_in_english_follows_the_recording(app):
    paragraph = rendered(app)
    assert "does not record" in paragraph and "method.per_</span><wbr>" in paragraph


@pytest.mark.sphinx("html", testroot="benchmark-said", srcdir="said-en-profiled", freshenv=True, warningiserror=True,
                    confoverrides={"language": "en"})
def test_the_role_in_english_states_the_interface_a_recording_holds(app):
    paragraph = rendered(app, profiled)
    assert "does not record" not in paragraph and "IProfiler</span></code>, attached" in paragraph


@pytest.mark.sphinx("html", testroot="benchmark-said", srcdir="said-unknown", freshenv=True, warningiserror=True)
def test_an_unknown_fact_fails_the_build_naming_page_and_choices(app):
    (Path(app.srcdir) / "index.md").write_text("{trt-benchmark-said}`clocks`\n", encoding="utf-8")
    publish_benchmark(app)
    message = failed_build_message(app)
    assert "trt-benchmark-said in page 'index': unknown fact 'clocks'; choose one of per-layer" in message


PROCEDURE = re.compile(r"## 如果你的反卷积慢\n(.*?)\n## ", re.S)


def test_the_procedure_types_no_statement_about_how_the_runner_timed_layers():
    step = PROCEDURE.search((DOCS / "performance.md").read_text(encoding="utf-8"))[1]
    assert "{trt-benchmark-said}`per-layer`" in step
    assert "就是这样取每层时间" not in step and "`Timer`" not in step and "trt/engine.py" not in step
    english = (DOCS / "locale" / "en" / "LC_MESSAGES" / "performance.po").read_text(encoding="utf-8")
    (entry,) = [e for e in english.split("\n\n") if "{trt-benchmark-said}`per-layer`" in e]
    assert "Timer" not in entry and "engine.py" not in entry
