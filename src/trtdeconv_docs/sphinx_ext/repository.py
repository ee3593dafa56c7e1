"""Links to the code on every page, and the TensorRT that recorded what the page shows, at its top.

The repository's address is set in one place, ``docs/conf.py`` (``REPOSITORY_URL``, passed as
``html_context = {"trtdeconv_repository": URL, "trtdeconv_repository_ref": BRANCH_OR_COMMIT}``;
:func:`repository` lets Read the Docs' ``READTHEDOCS_GIT_CLONE_URL`` and ``READTHEDOCS_GIT_COMMIT_HASH``
win where the build runs there). A project that sets no ``trtdeconv_repository`` gets no links.
Every page then links, in the reader's language:

* its source: ``docs/<page>.md`` (the Chinese original; for a gallery page the example
  ``examples/<name>.py``, for the gallery's index ``examples/GALLERY_HEADER.rst``) and, in the English
  edition, the translation that the reader is reading, ``docs/locale/en/LC_MESSAGES/<page>.po``;
* every recording the page shows (``recordings/...``, the files the page's build read).

A page that shows a recording says at its top which TensorRT and GPU recorded it, read from the
recordings' provenance (never typed), and links the page that explains how every number is made.
Sphinx's own "show source" link is turned off: it showed the Chinese source in the English edition.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from ..cassette import store
from ..cassette.recording import Recording
from . import messages
from .messages import _

HOW_PAGE = "provenance"
"""The page that tells how every number of the site was produced."""


def repository(url: str, ref: str = "main", environ=os.environ) -> Tuple[str, str]:
    """The repository's web address and the branch or commit to link: Read the Docs' where the build runs there,
    else ``url`` at ``ref``."""
    url = environ.get("READTHEDOCS_GIT_CLONE_URL", "") or url
    if url.startswith("git@github.com:"):
        url = "https://github.com/" + url[len("git@github.com:"):]
    url = url[:-4] if url.endswith(".git") else url
    return url.rstrip("/"), environ.get("READTHEDOCS_GIT_COMMIT_HASH", "") or ref


def blob_url(base: str, ref: str, path: str) -> str:
    """The repository's web page of one file."""
    return f"{base}/blob/{ref}/{path}"


def _repository_root() -> Path:
    return store.root().parent


def recordings_shown(dependencies) -> List[str]:
    """The recording files among a page's build dependencies, relative to the repository (sorted)."""
    root, folder = _repository_root(), store.root()
    shown = set()
    for dependency in dependencies:
        path = Path(dependency)
        if path.is_absolute() and folder in path.parents:
            shown.add(path.relative_to(root).as_posix())
    return sorted(shown)


def _provenance(relative: str) -> Optional[Dict[str, str]]:
    """TensorRT version and GPU of the GPU run that wrote a recording (its folder's manifest)."""
    path = _repository_root() / relative
    if path.suffix == ".json" and path.parent.name == "tensors":
        provenance = Recording.read(path).provenance
    else:  # the manifest of the recordings folder it is in (recordings/onnx/cases/x.json -> recordings/onnx)
        folder = store.root()
        provenance = store.provenance(folder / path.relative_to(folder).parts[0] if folder in path.parents
                                      else path.parent if path.is_file() else path)
    provenance = provenance.get("tensorrt", provenance) if isinstance(provenance.get("tensorrt"), dict) else provenance
    if "tensorrt" not in provenance:
        return None
    return {"tensorrt": provenance["tensorrt"], "gpu": provenance.get("gpu", "?")}


def recorded_with(shown: List[str]) -> str:
    """"TensorRT 8.6.0 (NVIDIA H100 80GB HBM3, NVIDIA H200)": each TensorRT version once, with every GPU that
    recorded what the page shows, in the build's language."""
    gpus: Dict[str, List[str]] = {}
    for tensorrt, gpu in sorted({(p["tensorrt"], p["gpu"]) for p in filter(None, map(_provenance, shown))}):
        gpus.setdefault(tensorrt, []).append(gpu)
    return _("，").join(_("TensorRT {tensorrt}（{gpu}）").format(tensorrt=t, gpu=_("、").join(g)) for t, g in gpus.items())


def source_links(pagename: str, source_suffix: str, language: str, shown: List[str],
                 base: str, ref: str) -> List[Dict[str, str]]:
    """The page's links to the repository: its source (and translation), its example, its recordings."""
    translated = language != "zh_CN"
    if pagename.startswith("gallery/") and pagename != "gallery/index":  # generated from the example
        links = [{"label": _("示例脚本"), "href": blob_url(base, ref, f"examples/{pagename.split('/', 1)[1]}.py")}]
    else:
        source = "examples/GALLERY_HEADER.rst" if pagename == "gallery/index" else f"docs/{pagename}{source_suffix}"
        links = [{"label": _("本页源文件（中文原文）") if translated else _("本页源文件"), "href": blob_url(base, ref, source)}]
    if translated:
        links.append({"label": _("本页英文译文"),
                      "href": blob_url(base, ref, f"docs/locale/{language}/LC_MESSAGES/{pagename}.po")})
    for path in shown:
        links.append({"label": path, "href": blob_url(base, ref, path), "code": "1"})
    return links


def _context(app, pagename, _templatename, context, doctree) -> None:
    if doctree is None:
        return
    base = app.config.html_context.get("trtdeconv_repository", "").rstrip("/")
    ref = app.config.html_context.get("trtdeconv_repository_ref") or "main"
    shown = recordings_shown(app.env.dependencies.get(pagename, ()))
    suffix = Path(app.env.doc2path(pagename)).suffix if pagename in app.env.found_docs else ".md"
    context["trtdeconv_source_label"] = _("在代码仓库中查看：")
    context["trtdeconv_source_links"] = source_links(pagename, suffix, app.config.language, shown, base, ref) if base else []
    context["trtdeconv_recorded_with"] = recorded_with(shown) if shown else ""
    context["trtdeconv_recorded_label"] = _("本页显示的输出与数字由 {what} 在 GPU 上记录；")
    context["trtdeconv_how_label"] = _("它们是怎么得到的")
    context["trtdeconv_how_href"] = app.builder.get_relative_uri(pagename, HOW_PAGE)


def _no_sphinx_source_link(app, config) -> None:
    config.html_show_sourcelink = False


def setup(app):
    """Add the links and the recording note to every page's context (the ``page.html`` template shows them)."""
    app.setup_extension(messages.__name__)
    app.connect("config-inited", _no_sphinx_source_link)
    app.connect("html-page-context", _context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
