"""Gallery thumbnails that show what each example is about, drawn at build time from the layer's geometry.

Examples ``plot_00`` .. ``plot_12`` print matrices and draw no figure, so sphinx-gallery would
give their cards a placeholder. Each of them ends with one configuration comment,
``# sphinx_gallery_thumbnail_path = "_static/thumbnails/<name>.png"``, and this part draws
those pictures (:data:`PICTURES`, with :mod:`trtdeconv_docs.pictures`, in the edition's
language) into ``docs/_static/thumbnails/`` before sphinx-gallery reads the examples. The
folder is generated (``.gitignore``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Dict

from . import digests

FOLDER = Path("_static") / "thumbnails"
"""Where the thumbnails go, relative to the documentation's source folder."""
MARKER = ".trtdeconv-inputs"
"""In :data:`FOLDER`: the inputs and the edition the thumbnails there were drawn for."""


def _gather(output_index, **attributes) -> Callable:
    """A gather picture (as in ``plot_20``) of one output element of a 3x3 layer on the seed data."""
    def draw():
        from ..layer.attributes import resolve
        from ..example_data import seed_tensors
        from ..pictures import gather_figure

        data, weight, _ = seed_tensors()
        layer = resolve(num_output_maps=1, kernel_size_nd=(3, 3), **attributes)
        return gather_figure(layer, (3, 3), output_index, data[0, 0], weight.reshape(3, 3))
    return draw


def _groups() -> object:
    from ..layer.attributes import resolve
    from ..pictures import groups_figure

    return groups_figure(resolve(num_output_maps=4, kernel_size_nd=(3, 3), num_groups=2), 6, 3)


def _sizes() -> object:
    from ..layer.attributes import resolve
    from ..pictures import output_size_figure

    return output_size_figure(resolve(num_output_maps=1, kernel_size_nd=(3, 3), stride_nd=(2, 2), padding_nd=(1, 1)),
                              (3, 3))


PICTURES: Dict[str, Callable] = {
    "base": _gather((1, 1)),
    "stride": _gather((2, 2), stride_nd=(2, 2)),
    "padding": _gather((0, 0), padding_nd=(1, 1)),
    "pre_post_padding": _gather((0, 2), pre_padding=(1, 0), post_padding=(0, 2)),
    "dilation": _gather((2, 3), dilation_nd=(2, 2)),
    "num_groups": _groups,
    "padding_mode": _sizes,
}
"""Thumbnail name -> a function drawing its figure."""


def draw_all(folder: Path) -> Dict[str, Path]:
    """Draw every thumbnail of :data:`PICTURES` as ``folder/<name>.png``; returns the files."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, draw in PICTURES.items():
        figure = draw()
        written[name] = folder / f"{name}.png"
        figure.savefig(written[name], dpi=100)
        plt.close(figure)
    return written


def _draw_for_build(app) -> None:
    """Draw the thumbnails unless the folder already holds those of the current code (and this edition).

    A builder that shows no pictures (``gettext``) gets sphinx-gallery's own placeholder in
    each thumbnail's place instead: sphinx-gallery only needs the files to exist.
    """
    folder = Path(app.srcdir) / FOLDER
    if app.builder.format != "html":
        from sphinx_gallery import glr_path_static

        folder.mkdir(parents=True, exist_ok=True)
        for name in PICTURES:
            shutil.copyfile(Path(glr_path_static()) / "no_image.png", folder / f"{name}.png")
        (folder / MARKER).unlink(missing_ok=True)
        return
    marker = folder / MARKER
    fingerprint = f"{getattr(app.config, digests.CONFIG)} {app.config.language}"
    if marker.is_file() and marker.read_text(encoding="utf-8") == fingerprint and \
            all((folder / f"{name}.png").is_file() for name in PICTURES):
        return
    draw_all(folder)
    marker.write_text(fingerprint, encoding="utf-8")


def setup(app):
    """Draw the thumbnails before sphinx-gallery (``builder-inited``, priority 500) reads the examples."""
    app.setup_extension(digests.__name__)
    app.connect("builder-inited", _draw_for_build, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
