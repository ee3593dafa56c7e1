"""``python -m trtdeconv_docs``: the ``trtdeconv-docs`` command line."""

from .cli import main

raise SystemExit(main())
