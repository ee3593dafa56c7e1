"""Screenshots of the built site in headless Chromium: the views issues 13 and 22 ask a reader's eye for.

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
    "zh-home": ("zh_CN/index.html", "", ""),
    "en-home": ("en/index.html", "", ""),
    "zh-calculator": ("zh_CN/shape_calculator.html", "", ""),
    "en-calculator": ("en/shape_calculator.html", "", ""),
    "en-search-pasted-error": ("en/search.html", "[TRT] [E] 10: Could not find any implementation for node ConvTranspose_123.", ""),
    "zh-search-pasted-error": ("zh_CN/search.html", "[TRT] [E] 10: Could not find any implementation for node ConvTranspose_123.", ""),
    "en-padding-mode": ("en/padding_mode.html", "", ""),
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
    missing = [page for page, _query, _anchor in VIEWS.values() if not (args.site / page).is_file()]
    if missing:
        parser.error(f"{args.site / missing[0]} not found: build the site first (tox -e docs)")
    with headless.Browser() as browser:
        for name, (page, query, anchor) in VIEWS.items():
            for width, height in SIZES.items():
                for scheme in headless.SCHEMES:
                    browser.open(headless.page_url(args.site / page, query, anchor), width, height, scheme,
                                 settle=headless.SEARCH_FINISHED if query else "")
                    print(browser.screenshot(args.out / f"{name}-{width}-{scheme}.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
