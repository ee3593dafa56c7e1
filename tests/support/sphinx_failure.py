"""What a Sphinx test app's failing build said (``warningiserror``): the one helper for both Sphinx behaviours."""

from sphinx.errors import SphinxWarning


def failed_build_message(app) -> str:
    """Build ``app`` (warnings as errors) and return the failure's message; the build must fail.

    Sphinx < 8.1 raises :class:`SphinxWarning`; later ones end with status 1 and keep the warning in ``app.warning``."""
    try:
        app.build()
    except SphinxWarning as failure:
        return str(failure)
    assert app.statuscode == 1, "the build succeeded"
    return app.warning.getvalue()
