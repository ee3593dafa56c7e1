"""``python -m trtdeconv_docs.gpu_gallery``: the command that records the examples on a GPU (:mod:`trtdeconv_docs.cassette.runner`)."""

import sys

from .cassette.runner import main

if __name__ == "__main__":
    sys.exit(main())
