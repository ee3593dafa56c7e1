"""One unit vocabulary (:mod:`trtdeconv_docs.prose.units`): the translation check and the page-literals check
read every unit from it alike, and a unit added to it is seen by both."""

from __future__ import annotations

from typing import Iterator, List, Tuple

import pytest

from trtdeconv_docs import translation_check
from trtdeconv_docs.benchmark import analysis
from trtdeconv_docs.prose import units
from trtdeconv_docs.sphinx_ext import page_literals

from .support.paths import RECORDINGS


def _written(unit: units.Unit) -> Iterator[Tuple[str, str]]:
    """Each spelling of ``unit`` after the number 5, in the ways the prose of either edition writes it."""
    for spelling in unit.chinese:
        yield spelling, f"耗时 5 {spelling}。"
        yield spelling, f"5{spelling}的一半"  # a Chinese character right after the unit
    for spelling in unit.symbols:
        yield spelling, f"It takes 5 {spelling}."
        yield spelling, f"takes 5{spelling}, then"
    for spelling in unit.words:
        yield spelling, f"It takes 5 {spelling}."
        yield spelling, f"a 5-{spelling} run"
    for spelling in unit.glued:
        yield spelling, f"5{spelling} faster"


SPELLED = [(unit.name, spelling, text) for unit in units.UNITS for spelling, text in _written(unit)]


def _read_by_both(text: str) -> Tuple[List[str], List[str]]:
    """What each check reads in ``text``: the translation check's numbers, the page check's quantities."""
    return translation_check.numbers(text), [literal.literal for literal in page_literals.quantities(text, "docs/x.md")]


@pytest.mark.parametrize("name, spelling, text", SPELLED, ids=[f"{n}:{s}:{t}" for n, s, t in SPELLED])
def test_both_checks_read_every_spelling_as_its_unit(name, spelling, text):
    assert _read_by_both(text) == ([f"5 {name}"], [f"5 {name}"])


def test_each_spelling_and_each_name_belongs_to_one_unit_and_every_time_has_a_scale():
    spellings = [s for unit in units.UNITS for s in unit.chinese + unit.symbols + unit.words + unit.glued]
    assert sorted(s for s in set(spellings) if spellings.count(s) > 1) == []
    assert len({unit.name for unit in units.UNITS}) == len(units.UNITS)
    assert all((unit.scale is not None) == (unit.quantity == "time") for unit in units.UNITS)
    assert units.named("ms").scale == 1.0 and units.named("s").scale == 1000 * units.named("ms").scale


@pytest.mark.parametrize("text", [
    "kernel k3 s2", "5 mse", "a 3 minimum", "rings of 0s", "0x1F", "the product 2 × 3", "1x1x9x9", "5 usages",
])
def test_what_only_looks_like_a_unit_is_none_for_both(text):
    numbers, quantities = _read_by_both(text)
    assert [n for n in numbers if " " in n] == [] and quantities == []


PICOSECOND = units.Unit("ps", "time", ("皮秒",), ("ps",), ("picosecond", "picoseconds"), scale=1e-9)


def test_a_unit_added_to_the_one_table_is_seen_by_both_checks(monkeypatch):
    """Picoseconds, unknown to the table: a translation that turns them into femtoseconds and a typed
    picosecond figure pass both checks; added to ``units.UNITS`` alone, both checks see them, the translation
    check by name and spellings, the page check with the unit's scale (a recorded median in ps is a source)."""
    msgid, wrong, right = "一次乘加约 5 皮秒。", "One multiply-add takes about 5 femtoseconds.", \
        "One multiply-add takes about 5 ps."
    assert translation_check.problems(msgid, wrong) == []
    assert page_literals.unsourced_quantities(msgid, "docs/x.md") == []

    monkeypatch.setattr(units, "UNITS", units.UNITS + (PICOSECOND,))
    assert translation_check.problems(msgid, wrong) == ["changed lost: number '5 ps'; added: number '5'"]
    assert translation_check.problems(msgid, right) == []
    assert translation_check.problems(msgid, right.replace(" ps", " picoseconds")) == []
    for edition in (msgid, right, "5-picosecond"):
        assert [literal.literal for literal in page_literals.unsourced_quantities(edition, "docs/x.md")] == ["5 ps"]

    bench = analysis.load(RECORDINGS / "benchmark")
    run = next(r for r in bench.tensorrt["runs"] if r.get("samples_ms") and analysis.unusable(r) is None)
    median = analysis.statistics(run["samples_ms"])["median"]
    assert page_literals.unsourced_quantities(f"中位延迟 {median * 1e9:.0f} 皮秒。", "docs/performance.md") == []
    typed = f"{median * 1.5e9:.0f} ps"
    assert [l.literal for l in page_literals.unsourced_quantities(typed, "docs/performance.md")] == [typed]

    monkeypatch.undo()  # the table in force again: read anew
    assert translation_check.problems(msgid, wrong) == [] and units.after("5 ps", 1) is None
