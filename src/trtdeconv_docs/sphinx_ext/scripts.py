"""The site's small scripts (``static/*.js``), added to every page.

* ``trtdeconv-language-switch.js``: the language switch keeps the anchor and the search query;
* ``trtdeconv-scroll-cue.js``: a table or matrix wider than the screen shows a shadow on the
  side that scrolls (styles in ``docs/_static/trtdeconv.css``);
* ``trtdeconv-image-link.js``: a gallery picture opens at full resolution on click;
* ``trtdeconv-small-screens.js``: on a phone, tables show each row as a card and wide pictures scroll;
* ``trtdeconv-search.js``: the search page drops the made-up node names of a pasted TensorRT message.

Without JavaScript the pages work the same, minus these aids.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).with_name("static")
SCRIPTS = ("trtdeconv-language-switch.js", "trtdeconv-scroll-cue.js", "trtdeconv-image-link.js",
           "trtdeconv-small-screens.js", "trtdeconv-search.js")


def _add_static_folder(app, config) -> None:
    config.html_static_path = list(config.html_static_path) + [str(STATIC)]


def setup(app):
    """Serve ``static/`` and add each script to every page."""
    app.connect("config-inited", _add_static_folder)
    for script in SCRIPTS:
        app.add_js_file(script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
