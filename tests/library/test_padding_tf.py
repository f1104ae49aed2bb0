"""convlab.pad against tf.pad with the mode names of border_mode_table()."""

import os

import numpy as np
import pytest

from convlab import border_mode_table, pad

pytestmark = pytest.mark.tensorflow

TF_ROWS = [row for row in border_mode_table() if row["tensorflow"] is not None]


@pytest.fixture(scope="module")
def tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return pytest.importorskip("tensorflow")


@pytest.mark.parametrize("row", TF_ROWS, ids=lambda r: r["numpy"])
@pytest.mark.parametrize("channels", [None, 3])
def test_pad_equals_tf_pad(tf, row, channels):
    shape = (5, 6) if channels is None else (5, 6, channels)
    image = np.random.default_rng(0).integers(0, 100, shape).astype(np.int32)
    widths = ((2, 4), (3, 1))  # tf.pad 'REFLECT' needs widths < size
    paddings = [*widths] + ([] if channels is None else [(0, 0)])
    expected = tf.pad(image, paddings, mode=row["tensorflow"], constant_values=0).numpy()
    np.testing.assert_array_equal(pad(image, widths, row["numpy"]), expected)


def test_modes_without_tensorflow_equivalent():
    missing = {row["numpy"] for row in border_mode_table() if row["tensorflow"] is None}
    assert missing == {"edge", "wrap"}
