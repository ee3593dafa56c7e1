"""Screenshots of the built site in headless Chromium: the views issue 13 asks a reader's eye for.

    python tools/screenshots.py build/html /work/screenshots

writes ``<view>-<width>-<scheme>.png`` for every view of :data:`VIEWS` at 1400 px (desktop)
and 400 px (phone), in the light and the dark theme. Needs Chromium (Debian: ``apt-get install
chromium``) and a site built by ``tox -e docs``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from trtdeconv_docs import headless

VIEWS = {
    "zh-search-buchang": ("zh_CN/search.html", "步长", ""),
    "zh-search-stride": ("zh_CN/search.html", "stride", ""),
    "en-search-stride": ("en/search.html", "stride", ""),
    "zh-migration-table": ("zh_CN/maps/migration.html", "", ""),
    "en-migration-table": ("en/maps/migration.html", "", ""),
    "zh-num-groups": ("zh_CN/num_groups.html", "", ""),
    "en-3d-tensors": ("en/three_d.html", "", ""),
    "zh-picture-page": ("zh_CN/gallery/plot_20_pictures_gather.html", "", ""),
    "en-picture-page": ("en/gallery/plot_21_pictures_groups_and_sizes.html", "", ""),
    "zh-gallery-index": ("zh_CN/gallery/index.html", "", ""),
    "en-base-highlights": ("en/base.html", "", ""),
    "zh-performance": ("zh_CN/performance.html", "", ""),
    "en-performance": ("en/performance.html", "", ""),
}
"""name -> (page under the site, search query, anchor)."""
SIZES = {1400: 1800, 400: 1600}
"""Window width -> height, CSS pixels."""


def main(argv=None) -> int:
    """Take every screenshot; prints each file written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path, help="the built site (index.html, zh_CN/, en/)")
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    args = parser.parse_args(argv)
    if headless.chromium() is None:
        parser.error("no Chromium found: apt-get install chromium")
    for name, (page, query, anchor) in VIEWS.items():
        if not (args.site / page).is_file():
            parser.error(f"{args.site / page} not found: build the site first (tox -e docs)")
        url = headless.page_url(args.site / page, query, anchor)
        for width, height in SIZES.items():
            for scheme in headless.SCHEMES:
                print(headless.screenshot(url, args.out / f"{name}-{width}-{scheme}.png", width, height, scheme))
    return 0


if __name__ == "__main__":
    sys.exit(main())
