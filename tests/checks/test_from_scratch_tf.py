"""TensorFlow convolutions are refused when the student's session has imported TensorFlow."""

from __future__ import annotations

import textwrap

import pytest

from tests.subprocess_python import run_python

pytestmark = pytest.mark.tensorflow


def test_tf_conv2d_fails_correlate_valid():
    code = textwrap.dedent(
        """
        import numpy as np
        import tensorflow as tf
        import convlab.checks

        def cheat(image, kernel):
            x = tf.constant(image[None, :, :, None], tf.float64)
            k = tf.constant(kernel[:, :, None, None], tf.float64)
            return tf.nn.conv2d(x, k, strides=1, padding="VALID").numpy()[0, :, :, 0]

        try:
            convlab.checks.correlate_valid(cheat)
        except convlab.checks.CheckFailed as error:
            print("REJECTED", error)
        """
    )
    result = run_python(code, check=False)
    assert "REJECTED" in result.stdout, result.stdout + result.stderr
    assert "tensorflow.conv2d" in result.stdout
