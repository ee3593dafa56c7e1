"""The private copy of the sources that each language builds from (trtdeconv_docs.site.private_sources)."""

from __future__ import annotations

from trtdeconv_docs.site import GENERATED, private_sources


def test_the_copy_leaves_out_generated_files_at_the_top_only(tmp_path):
    checkout = tmp_path / "checkout"
    catalogs = checkout / "docs" / "locale" / "en" / "LC_MESSAGES"
    (catalogs / "gallery").mkdir(parents=True)
    (catalogs / "gallery" / "plot_01_base.po").write_text("msgid \"\"\n", encoding="utf-8")
    (checkout / "docs" / "conf.py").write_text("", encoding="utf-8")
    for name in GENERATED:
        (checkout / "docs" / name).mkdir()
    (checkout / "examples").mkdir()
    (checkout / "src").mkdir()
    docs = private_sources(checkout / "docs", tmp_path / "copy")
    assert (docs / "locale" / "en" / "LC_MESSAGES" / "gallery" / "plot_01_base.po").is_file()
    assert (docs / "conf.py").is_file()
    assert not [name for name in GENERATED if (docs / name).exists()]
    assert (docs.parent / "src").is_symlink()
