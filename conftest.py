"""Repository-wide pytest configuration.

`make test` runs with ``--dist loadscope``: nbval turns each notebook cell
into a test item, and the cells of one notebook must run in order in one
kernel, so a notebook is one scope (one worker); test classes are scopes too,
which is how slow end-to-end tests spread over the workers.
(``--dist loadgroup`` would be the natural tool, but pytest 9.2 no longer
lets pytest-xdist rename node ids, so its groups are ignored.)
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
# Tests (and notebooks' kernels) import TensorFlow directly too: the same oneDNN
# setting as convlab.tf, whatever the CPU (see convlab/tf.py, _tf).
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
