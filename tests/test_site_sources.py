"""The private copy of the sources that each language builds from (trtdeconv_docs.site.private_sources)."""

from __future__ import annotations

import os
import pytest

from trtdeconv_docs.site import GENERATED, private_sources


@pytest.fixture
def checkout(tmp_path):
    """A checkout with a page, a catalog (also under a ``gallery`` folder deeper down) and every generated path."""
    root = tmp_path / "checkout"
    catalogs = root / "docs" / "locale" / "en" / "LC_MESSAGES"
    (catalogs / "gallery").mkdir(parents=True)
    (catalogs / "gallery" / "plot_01_base.po").write_text("msgid \"\"\n", encoding="utf-8")
    (catalogs / "stride.po").write_text("msgid \"\"\n", encoding="utf-8")
    (root / "docs" / "conf.py").write_text("", encoding="utf-8")
    (root / "docs" / "stride.md").write_text("# 步长\n", encoding="utf-8")
    for name in GENERATED:
        (root / "docs" / name).mkdir(parents=True)
    (root / "examples").mkdir()
    (root / "examples" / "plot_01_base.py").write_text("print(1)\n", encoding="utf-8")
    (root / "src").mkdir()
    return root


def test_the_copy_leaves_out_generated_files_only(checkout, tmp_path):
    docs = private_sources(checkout / "docs", tmp_path / "copy")
    assert (docs / "locale" / "en" / "LC_MESSAGES" / "gallery" / "plot_01_base.po").is_file()
    assert (docs / "conf.py").is_file()
    assert not [name for name in GENERATED if (docs / name).exists()]
    assert (docs.parent / "examples" / "plot_01_base.py").is_file()
    assert (docs.parent / "src").is_symlink()


def test_a_second_copy_copies_what_changed_and_keeps_what_the_build_made(checkout, tmp_path):
    docs = private_sources(checkout / "docs", tmp_path / "copy")
    made = [docs / "gallery" / "plot_01_base.rst", docs / "_static" / "thumbnails" / "a.png",
            docs / "locale" / "en" / "LC_MESSAGES" / "stride.mo"]
    for path in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("made by the build", encoding="utf-8")
    orphan = docs / "locale" / "en" / "LC_MESSAGES" / "gone.mo"
    orphan.write_text("its catalog was removed", encoding="utf-8")
    untouched = docs / "conf.py"  # same size and time as the checkout's: taken as unchanged, not copied (like rsync)
    untouched.write_text("#", encoding="utf-8")
    (checkout / "docs" / "conf.py").write_text("x", encoding="utf-8")
    theirs = (checkout / "docs" / "conf.py").stat().st_mtime_ns
    os.utime(untouched, ns=(theirs, theirs))
    (checkout / "docs" / "stride.md").write_text("# 步长（改）\n", encoding="utf-8")
    (checkout / "examples" / "plot_01_base.py").unlink()

    private_sources(checkout / "docs", tmp_path / "copy")

    assert (docs / "stride.md").read_text(encoding="utf-8") == "# 步长（改）\n"
    assert (docs / "stride.md").stat().st_mtime_ns == (checkout / "docs" / "stride.md").stat().st_mtime_ns
    assert untouched.read_text(encoding="utf-8") == "#"
    assert [path.read_text(encoding="utf-8") for path in made] == ["made by the build"] * 3
    assert not orphan.exists()
    assert list((docs.parent / "examples").iterdir()) == []
