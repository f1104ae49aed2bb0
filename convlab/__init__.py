"""ConvLab: convolutions, from the sliding window to the GPU.

The helper library of the course: readable reference implementations, kernel
factories, sample images, plotting and benchmark helpers, and the checks that
grade exercises.

Submodules are loaded lazily (``lazy_loader``, as scikit-image does), so
``import convlab`` is cheap and never imports TensorFlow; ``convlab.tf`` is the
only module that does, and only when it is used.
"""

import lazy_loader as _lazy

__version__ = "0.1.0"

_SUBMODULE_ATTRS = {
    "i18n": ["set_language", "get_language", "detect_language"],
    "padding": ["pad", "BORDER_MODES", "border_mode_table"],
    "shapes": ["conv_output_size", "same_padding", "pool_output_size"],
    "convolution": ["correlate2d", "convolve2d", "correlate2d_loops"],
    "pooling": ["max_pool2d", "avg_pool2d", "global_max_pool", "global_avg_pool"],
    "kernels": [
        "identity_kernel",
        "box_kernel",
        "binomial_kernel",
        "gaussian_kernel",
        "gaussian_kernel1d",
        "gaussian_radius",
        "sharpen_kernel",
        "outline_kernel",
        "laplacian_kernel",
        "sobel_kernels",
        "scharr_kernels",
        "prewitt_kernels",
    ],
    "separable": ["is_separable", "separate", "separable_correlate2d", "gaussian_blur"],
    "layers": [
        "conv2d",
        "depthwise_conv2d",
        "separable_conv2d",
        "depthwise_to_conv2d",
        "hwio_to_oihw",
        "oihw_to_hwio",
        "depthwise_hwio_to_oihw",
        "depthwise_oihw_to_hwio",
        "conv2d_param_count",
        "depthwise_param_count",
        "separable_conv2d_param_count",
    ],
    "pixelation": [
        "mosaic",
        "block_mean",
        "enlarge_nearest",
        "pixelate",
    ],  # not "mosaic": a module named like its function would shadow it
    "edges": ["sobel_gradients", "gradient_magnitude", "gradient_angle"],
    "data": ["sample_image", "astronaut", "camera", "coffee", "zone_plate", "stripes"],
}

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=[
        "checks",
        "data",
        "feedback",
        "plotting",
        "widgets",
        "bench",
        "tf",
        *_SUBMODULE_ATTRS,
    ],
    submod_attrs=_SUBMODULE_ATTRS,
)
__all__ = [*__all__, "__version__"]


def _show_failures_to_students() -> None:
    """In IPython (JupyterLab, nbgrader), show check failures as messages (convlab.feedback)."""
    import sys

    if "IPython" in sys.modules:
        from . import feedback

        feedback.install()


_show_failures_to_students()
