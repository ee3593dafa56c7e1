"""``python -m trtdeconv_docs.sphinx_ext update`` (run by ``tox -e translations``): see :func:`.catalog_update.main`."""

from .catalog_update import main

raise SystemExit(main())
