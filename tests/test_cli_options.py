"""The command line explains itself: help for every option, and a note where a padding mode ignores an option."""

from __future__ import annotations

import pytest

from trtdeconv_docs import cli
from trtdeconv_docs.layer.attributes import PADDING_MODES
from trtdeconv_docs.layer.padding_use import ignored_paddings


def _actions():
    parser = cli.build_parser()
    commands = next(action for action in parser._actions if action.dest == "command")  # argparse keeps them here
    return [(name, action) for name, sub in commands.choices.items() for action in sub._actions
            if action.dest != "help"]


def test_every_option_of_every_subcommand_has_help():
    missing = [(name, action.dest) for name, action in _actions() if not action.help]
    assert not missing


@pytest.mark.parametrize("mode", PADDING_MODES)
def test_a_padding_mode_names_the_padding_options_it_ignores(mode, capsys):
    assert cli.main(["shape", "--input-shape", "1,3,17,17", "--num-output-maps", "3", "--kernel-size-nd", "4,4",
                     "--stride-nd", "2,2", "--padding-nd", "1,1", "--post-padding", "0,0", "--padding-mode", mode]) == 0
    out, err = capsys.readouterr()
    ignored = [name for name in ignored_paddings(mode) if name in ("padding_nd", "post_padding")]
    if ignored:
        assert err == (f"trtdeconv-docs: note: --padding-mode {mode} does not use "
                       f"{', '.join('--' + name.replace('_', '-') for name in ignored)}: ignored\n")
    else:
        assert err == ""
    assert out.startswith("(1, 3, ")


def test_the_same_modes_ignore_every_padding_and_caffe_the_post_padding():
    """What the formulas say (shapes.FORMULAS), which recordings/conformance measured for CAFFE."""
    assert ignored_paddings("SAME_UPPER") == ("padding_nd", "pre_padding", "post_padding")
    assert ignored_paddings("CAFFE_ROUND_UP") == ("post_padding",)
    assert ignored_paddings("EXPLICIT_ROUND_UP") == ()


def test_a_usage_error_says_where_the_help_is(capsys):
    assert cli.main(["shape", "--input-shape", "1,3,17,17"]) == cli.USAGE_ERROR
    err = capsys.readouterr().err
    assert err == ("trtdeconv-docs: error: the following arguments are required: --num-output-maps, --kernel-size-nd "
                   "(see: trtdeconv-docs shape --help)\n")
