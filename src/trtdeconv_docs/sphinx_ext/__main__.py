"""``python -m trtdeconv_docs.sphinx_ext update`` (run by ``tox -e translations``): see :func:`.messages.main`."""

from .messages import main

raise SystemExit(main())
