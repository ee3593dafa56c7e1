"""The mode of a process (live, record, replay, API check), decided once, and which example runs."""

from __future__ import annotations

import sys
import types

import pytest

from trtdeconv_docs.cassette import mode


@pytest.mark.parametrize("text, expected", [
    ("live", mode.Mode("live")), ("replay", mode.Mode("replay")),
    ("record:/tmp/scratch", mode.Mode("record", "/tmp/scratch")), ("api-check:10", mode.Mode("api-check", "10")),
])
def test_the_variable_names_the_mode(text, expected):
    assert mode.decide({mode.VARIABLE: text}) == expected
    assert str(expected) == text and expected.uses_tensorrt == (expected.name in ("live", "record"))


@pytest.mark.parametrize("text", ["REPLAY", "record", "api-check", "replay:x", "1"])
def test_a_wrong_value_is_one_error_naming_the_choices(text):
    with pytest.raises(ValueError, match=r"TRTDECONV_MODE=.*expected live, replay, record:<folder> or api-check:<version>"):
        mode.decide({mode.VARIABLE: text})


def test_unset_it_is_live_only_where_tensorrt_is_installed():
    expected = "live" if "tensorrt" in sys.modules or mode.importlib.util.find_spec("tensorrt") else "replay"
    assert mode.decide({}).name == expected


def test_the_runner_s_choice_is_kept(monkeypatch):
    monkeypatch.setattr(mode, "_chosen", None)
    monkeypatch.setenv(mode.VARIABLE, "replay")
    assert mode.current() == mode.Mode("replay")
    mode.choose(mode.Mode("record", "/tmp/x"))
    monkeypatch.setenv(mode.VARIABLE, "live")
    assert mode.current() == mode.Mode("record", "/tmp/x")


def test_the_running_example_is_the_one_announced_else_the_script(monkeypatch):
    monkeypatch.setattr(mode, "_example", None)
    monkeypatch.setitem(sys.modules, "__main__", types.SimpleNamespace(__file__="/x/examples/plot_03_stride.py"))
    assert mode.running_example() == "/x/examples/plot_03_stride.py"
    mode.example_starts("plot_04_padding.py")
    assert mode.running_example() == "plot_04_padding.py"
    monkeypatch.setattr(mode, "_example", None)
    monkeypatch.setitem(sys.modules, "__main__", types.SimpleNamespace())
    with pytest.raises(RuntimeError, match="no example is running"):
        mode.running_example()
