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
    mode.choose(mode.Mode("record", "/tmp/x"))
    assert mode.current() == mode.Mode("record", "/tmp/x")
    mode.choose(mode.Mode("record", "/tmp/x"))  # the same again: harmless
    monkeypatch.setenv(mode.VARIABLE, "live")
    assert mode.current() == mode.Mode("record", "/tmp/x")
    with pytest.raises(mode.ModeChanged, match="TRTDECONV_MODE changed to 'live' after the mode was decided"):
        mode.check_unchanged()


def test_once_decided_the_mode_cannot_be_chosen_again(monkeypatch):
    monkeypatch.setattr(mode, "_chosen", None)
    monkeypatch.setenv(mode.VARIABLE, "replay")
    assert mode.current() == mode.Mode("replay") == mode.check_unchanged()
    with pytest.raises(mode.ModeChanged, match="the mode is replay, decided once per process by the runner"):
        mode.choose(mode.Mode("api-check", "8.6"))


@pytest.mark.parametrize("text, refused", [("api-check:8.6", True), ("api-check:10", True), ("replay", False), ("", False)])
def test_the_site_and_the_tests_refuse_the_api_check(text, refused):
    if refused:
        with pytest.raises(SystemExit, match=f"the site build does not run in the API-check mode .{mode.VARIABLE}={text}."):
            mode.refuse_api_check("the site build", {mode.VARIABLE: text})
    else:
        mode.refuse_api_check("the site build", {mode.VARIABLE: text})


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
