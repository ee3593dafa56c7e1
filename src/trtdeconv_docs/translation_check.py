"""Check translations: complete, free of Chinese, and faithful to every code span, formula, link and number.

A translation may reword the prose; it may not change what the reader copies or
computes with. For every message whose original contains Chinese, the translation must

* exist and not be marked fuzzy (a fuzzy entry is an outdated guess that Sphinx ignores);
* contain no Chinese characters or full-width punctuation outside code, formulas and
  quotation marks (“…”), and quote only text found in the original (the original page's wording);
* keep the same code spans, formulas (``$...$``, ``:math:`...```), cross-reference targets,
  link addresses and substitutions, as multisets (the order may change);
* not say one of its sentences twice (a translation pasted twice renders as a doubled caption);
* keep the ``str.format`` placeholders of the extension's messages (``{gpu}``, ``{ratio:.2f}``);
* keep every shape ``(1, 1, 7, 5)`` and size ``7×5`` whole (``1x1x9x9`` is ``1×1×9×9``): a shape
  reordered inside is refused whatever the comments say;
* keep the other numbers of its prose, each with its sign (``-1``, ``−1``, a minus right after a
  Chinese character too), its exponent (``8192²``) and its unit (``5 毫秒`` is ``5 ms``, not
  ``5 microseconds``; the units and their spellings are :data:`.prose.units.UNITS`), in the same order. Where English word order really puts them in another
  order, the entry says why in a translator comment ``# numbers-reordered: <why>`` (kept by
  ``tox -e translations``); the numbers must still be the same multiset, each with its unit.

A message without Chinese needs no translation; where it has one, it must keep all of the above
too (the English catalogs' code-only entries, the Chinese catalogs of sphinx-gallery's notes).

Code is shown as it is in both editions, so its comments are written in English:
:func:`chinese_code_comments` finds a comment with Chinese characters in the code of an
example (``examples/*.py``; the text blocks of sphinx-gallery are translated, the code is not).

``python -m trtdeconv_docs.translation_check FILE.po|FOLDER|EXAMPLE.py ...`` prints every problem and exits 1 if
there is one; ``tests/test_translations.py`` runs the same checks on every catalog and example.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, List, Tuple

from babel.messages.pofile import read_po

from .prose import units

CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]+")
ROLE = re.compile(r"(\{[\w:.-]+\}|:[\w:.-]+:)`([^`]*)`")
CODE = re.compile(r"``(.+?)``|`([^`]+)`")
DOLLAR_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$]+)\$")
LINK = re.compile(r"\]\(([^)\s]+)\)|<(https?://[^>]+)>")
SUBSTITUTION = re.compile(r"\|[\w-]+\|")
QUOTATION = re.compile(r"“([^”]*)”|「([^」]*)」")
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"
NUMBER = re.compile(r"(?<![A-Za-z0-9_)\].])[-\u2212\uff0d]?\d+(?:\.\d+)?[" + SUPERSCRIPTS + r"]*"
                    r"|\d+(?:\.\d+)?[" + SUPERSCRIPTS + r"]*")
"""A number of prose with its sign and exponent: a minus (``-``, ``−``, ``－``) counts where no Latin letter, digit
or bracket precedes it (a Chinese character may: ``为-1``); superscripts (``8192²``) are part of it."""
SENTENCE_END = re.compile(r"(?<=[.!?。！？])(?:\s+|(?=[A-Z\u4e00-\u9fff]))")
REPEATED_SENTENCE = 20
"""A sentence of at least this many characters that a translation says twice is a pasted duplicate."""
REORDER_MARKER = "numbers-reordered:"
"""Translator comment (``# numbers-reordered: <why>``) allowing an entry to reorder its numbers."""


def needs_translation(msgid: str) -> bool:
    """Whether a message holds Chinese text or punctuation (the others are code, names or English already)."""
    return bool(CHINESE.search(msgid))


def _first_group(match: re.Match) -> str:
    return next(group for group in match.groups() if group is not None)


def _role_target(match: re.Match) -> str:
    role, content = match.groups()
    target = re.search(r"<([^<>]+)>$", content)
    return role + (target.group(1) if target and "math" not in role else content)


SHAPE = re.compile(r"\(\s*[-\u2212]?\d+(?:\s*,\s*[-\u2212]?\d+)+\s*,?\s*\)")
"""A shape or tuple of integers, ``(1, 1, 7, 5)``: kept whole, so no comment can license reordering inside it."""
SIZE = re.compile(r"(?<![\w.])\d+(?:\s*[×x]\s*\d+)+(?!\w|\.\d)")
"""A size, ``7×5`` or ``1x1x9x9``: kept whole, like a shape."""
PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*(?:[.:!][^{}\s]*)?\}")
"""A ``str.format`` placeholder of the extension's messages (``{gpu}``, ``{ratio:.2f}``)."""
RST_LINK = re.compile(r"`[^`<]*<([^<>`]+)>`__?")
"""A reStructuredText hyperlink, ```text <address>`_``: its address is kept, its text translated."""
KEPT = (("role", ROLE, _role_target), ("math", DOLLAR_MATH, _first_group), ("link", RST_LINK, _first_group),
        ("code", CODE, _first_group),
        ("link", LINK, _first_group), ("substitution", SUBSTITUTION, lambda match: match.group(0)),
        ("placeholder", PLACEHOLDER, lambda match: match.group(0)))
QUANTITY = re.compile(f"(?P<shape>{SHAPE.pattern})|(?P<size>{SIZE.pattern})|(?P<number>{NUMBER.pattern})")
"""What :func:`numbers` reads, left to right: a whole shape, a whole size, or a number."""


def _superscripts(number: str) -> str:
    digits = number.rstrip(SUPERSCRIPTS)
    power = number[len(digits):].translate(str.maketrans(SUPERSCRIPTS, "0123456789-"))
    return digits + (f"^{power}" if power else "")


def numbers(text: str) -> List[str]:
    """The quantities of ``text``'s prose (outside code, formulas and links), in order: each shape and size
    whole (``(1,1,7,5)``, ``7×5``), each other number with its sign as ``-``, its exponent as ``^n`` and its
    unit where one follows, by its name in :data:`.prose.units.UNITS` (``5 毫秒`` and ``5 ms`` are ``5 ms``)."""
    for _, pattern, _ in KEPT:
        text = pattern.sub(" ", text)
    found = []
    for match in QUANTITY.finditer(text):
        if match.group("shape"):
            found.append(re.sub(r"\s|,(?=\))", "", match.group(0)).replace("\u2212", "-"))
        elif match.group("size"):
            found.append(re.sub(r"\s", "", match.group(0)).replace("x", "×"))
        else:
            number = _superscripts(re.sub("[\u2212\uff0d]", "-", match.group(0)))
            unit = units.after(text, match.end())
            found.append(f"{number} {unit.name}" if unit else number)
    return found


def kept_parts(text: str) -> Counter:
    """The parts a translation must keep unchanged: roles' targets, formulas, code, links, numbers."""
    parts: Counter = Counter()
    for kind, pattern, value in KEPT:
        parts.update((kind, value(match).strip()) for match in pattern.finditer(text))
        text = pattern.sub(" ", text)
    parts.update(("number", number) for number in numbers(text))
    return parts


def repeated_sentences(text: str) -> List[str]:
    """The sentences (of :data:`REPEATED_SENTENCE` characters or more) that ``text`` says more than once."""
    counts = Counter(sentence.strip() for sentence in SENTENCE_END.split(text))
    return [sentence for sentence, count in counts.items() if count > 1 and len(sentence) >= REPEATED_SENTENCE]


def reorder_reason(comments: Iterable[str]) -> str:
    """The reason given by a ``numbers-reordered:`` translator comment ("" if none)."""
    for comment in comments:
        if comment.strip().startswith(REORDER_MARKER):
            return comment.strip()[len(REORDER_MARKER):].strip()
    return ""


def problems(msgid: str, msgstr: str, fuzzy: bool = False, comments: Iterable[str] = ()) -> List[str]:
    """What is wrong with this translation of ``msgid`` (nothing: an empty list).

    ``comments`` are the entry's translator comments (a ``numbers-reordered:`` one
    allows its numbers in another order).
    """
    if not needs_translation(msgid):  # no Chinese: needs no translation, but one given must be faithful
        return [] if not msgstr.strip() else _faithfulness(msgid, msgstr, comments)
    if not msgstr.strip():
        return ["not translated"]
    found = []
    if fuzzy:
        found.append("marked fuzzy: the original changed; check the translation, then remove the fuzzy flag")
    prose = msgstr
    for _, pattern, _ in KEPT:  # code and formulas are kept as they are, Chinese comments included
        prose = pattern.sub(" ", prose)
    quotes = [_first_group(match) for match in QUOTATION.finditer(prose)]
    foreign = CHINESE.findall(QUOTATION.sub(" ", prose)) + [
        quote for quote in quotes if CHINESE.search(quote) and quote not in msgid]
    if foreign:
        found.append(f"Chinese left in the translation: {' '.join(foreign)}")
    repeated = [sentence for sentence in repeated_sentences(msgstr) if sentence not in repeated_sentences(msgid)]
    if repeated:
        found.append(f"a sentence said twice: {repeated[0]!r}")
    return found + _faithfulness(msgid, msgstr, comments)


def _faithfulness(msgid: str, msgstr: str, comments: Iterable[str]) -> List[str]:
    """What a translation changed of the original's code, formulas, links, placeholders and numbers."""
    found = []
    original, translated = kept_parts(msgid), kept_parts(msgstr)
    if original != translated:
        missing = ", ".join(f"{kind} {value!r}" for (kind, value) in (original - translated).elements())
        extra = ", ".join(f"{kind} {value!r}" for (kind, value) in (translated - original).elements())
        found.append("changed " + "; ".join(filter(None, (missing and f"lost: {missing}",
                                                           extra and f"added: {extra}"))))
    elif numbers(msgid) != numbers(msgstr) and not reorder_reason(comments):
        found.append(f"numbers in another order: {', '.join(numbers(msgid))} became {', '.join(numbers(msgstr))}; "
                     f"keep the original's order, or, where English needs another, add the translator comment "
                     f"'# {REORDER_MARKER} <why>' above the entry")
    return found


def catalog_problems(path: Path, template_ids: Iterable[str] = ()) -> List[Tuple[str, str]]:
    """(msgid, problem) for each faulty entry of a ``.po`` file, and for each template message it lacks."""
    with path.open("rb") as po_file:
        catalog = read_po(po_file)
    found = []
    for message in catalog:
        if message.id:
            comments = list(message.user_comments) + list(message.auto_comments)
            found.extend((message.id, problem)
                         for problem in problems(message.id, message.string or "", message.fuzzy, comments))
    for msgid in template_ids:
        if needs_translation(msgid) and msgid not in catalog:
            found.append((msgid, "missing from the catalog: run `tox -e translations`, then translate it"))
    return found


def template_ids(templates: Path, catalog: Path) -> List[str]:
    """The messages a page's catalog must hold: its template under ``templates`` (``docs/locale/en/LC_MESSAGES/X.po``
    -> ``templates/X.pot``); none for other catalogs (the extension's: ``python -m trtdeconv_docs.sphinx_ext check``)."""
    parts = catalog.parts
    if "LC_MESSAGES" not in parts or parts[parts.index("LC_MESSAGES") - 1] != "en":
        return []
    pot = templates.joinpath(*parts[parts.index("LC_MESSAGES") + 1:]).with_suffix(".pot")
    if not pot.is_file():
        return []
    with pot.open("rb") as file:
        return [message.id for message in read_po(file) if message.id]


def chinese_code_comments(example: Path) -> List[Tuple[int, str]]:
    """(line, comment) for every comment with Chinese characters in the code blocks of a sphinx-gallery example."""
    import io
    import tokenize

    from sphinx_gallery.py_source_parser import split_code_and_text_blocks

    _, blocks, *_ = split_code_and_text_blocks(str(example))
    found = []
    for kind, text, first_line in blocks:
        if kind == "code":
            found.extend((first_line + token.start[0] - 1, token.string)
                         for token in tokenize.generate_tokens(io.StringIO(text).readline)
                         if token.type == tokenize.COMMENT and CHINESE.search(token.string))
    return found


def main(argv=None) -> int:
    """Check the given ``.po`` files and examples (and those under given folders); exit status 1 on any problem.

    ``--templates DIR`` (the pages' ``.pot`` files, ``python -m trtdeconv_docs.site --templates DIR``) also
    reports every message of a page that its English catalog lacks, as the docs build's gate does.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    templates = None
    if "--templates" in arguments:
        index = arguments.index("--templates")
        templates = Path(arguments[index + 1])
        del arguments[index:index + 2]
    paths = [found for arg in map(Path, arguments) for found in (sorted(arg.rglob("*.po")) if arg.is_dir() else [arg])]
    count = 0
    for path in paths:
        if path.suffix == ".py":
            found = [(f"line {line}: {comment}", "Chinese in a code comment: code is shown as it is in every "
                                                 "edition, write its comments in English") for line, comment
                     in chinese_code_comments(path)]
        else:
            found = catalog_problems(path, template_ids(templates, path) if templates else ())
        for msgid, problem in found:
            count += 1
            print(f"{path}: {problem}\n    msgid: {msgid[:200]}")
    examples = sum(path.suffix == ".py" for path in paths)
    print(f"{count} problem(s) in {len(paths) - examples} catalog(s)" + (f" and {examples} example(s)" if examples else ""))
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
