"""Tests of convlab.plotting: figures have the panels, titles and numbers they promise."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from convlab import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


# ----------------------------------------------------------------------------
# show_images


def test_show_images_one_axes_per_image_with_titles():
    images = [np.zeros((5, 6)), np.ones((5, 6, 3)), np.zeros((5, 6, 4))]
    fig = plotting.show_images(images, ["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]


def test_show_images_accepts_a_single_array_and_a_single_title():
    fig = plotting.show_images(np.zeros((20, 20), np.uint8), "only")
    assert [ax.get_title() for ax in fig.axes] == ["only"]


def test_show_images_grid_drops_unused_axes():
    fig = plotting.show_images([np.zeros((20, 20))] * 5, ncols=2)
    assert len(fig.axes) == 5
    rows = {round(ax.get_position().y0, 3) for ax in fig.axes}
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (np.array([[0, 10], [20, 30]], dtype=np.uint8), (0, 255)),
        (np.array([[0.1, 0.2], [0.3, 0.4]]), (0, 1)),
        (np.array([[-2.0, 0.0], [1.0, 3.0]]), (-2, 3)),
        (np.array([[True, False], [False, False]]), (0, 1)),
    ],
)
def test_show_images_default_gray_range(image, expected):
    fig = plotting.show_images(image)
    assert fig.axes[0].images[0].get_clim() == pytest.approx(expected)


def test_show_images_explicit_range_wins():
    fig = plotting.show_images(np.full((30, 30), 0.2), vmin=0.0, vmax=0.5)
    assert fig.axes[0].images[0].get_clim() == pytest.approx((0.0, 0.5))


def test_show_images_writes_values_on_small_gray_images_only():
    small = plotting.show_images(np.arange(9).reshape(3, 3))
    assert texts(small.axes[0]) == [str(v) for v in range(9)]
    large = plotting.show_images(np.zeros((40, 40)))
    assert texts(large.axes[0]) == []


def test_show_images_rejects_bad_shapes_and_title_counts():
    with pytest.raises(ValueError, match=r"shape \(H, W\)"):
        plotting.show_images(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match="one title per image"):
        plotting.show_images([np.zeros((4, 4))] * 2, ["one"])
    with pytest.raises(ValueError, match="at least one image"):
        plotting.show_images([])
    with pytest.raises(TypeError, match="sequence of arrays"):
        plotting.show_images(3)


# ----------------------------------------------------------------------------
# show_kernel


def test_show_kernel_writes_every_weight():
    kernel = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    fig = plotting.show_kernel(kernel, title="sharpen")
    ax = fig.axes[0]
    assert ax.get_title() == "sharpen"
    assert texts(ax) == ["0", "-1", "0", "-1", "5", "-1", "0", "-1", "0"]


def test_show_kernel_colour_scale_is_centred_on_zero():
    fig = plotting.show_kernel(np.array([[1.0, -3.0]]))
    assert fig.axes[0].images[0].get_clim() == pytest.approx((-3, 3))


def test_show_kernel_fractions_and_format():
    assert texts(plotting.show_kernel(np.full((1, 1), 1 / 9)).axes[0]) == ["0.11"]
    assert texts(plotting.show_kernel(np.full((1, 1), 1 / 9), fmt=".3f").axes[0]) == ["0.111"]


def test_show_kernel_writes_a_small_negative_weight_rounded_to_zero_without_its_sign():
    kernel = np.array([[-0.001, -0.2, 0.004, -0.0]])
    assert texts(plotting.show_kernel(kernel, fmt=".2f").axes[0]) == [
        "0.00",
        "-0.20",
        "0.00",
        "0.00",
    ]
    assert texts(plotting.show_kernel(np.array([[-1e-6, -1.0]])).axes[0]) == ["-1e-06", "-1"]


def test_show_kernel_draws_into_a_given_axes_and_skips_numbers_of_large_kernels():
    fig, axes = plt.subplots(1, 2)
    returned = plotting.show_kernel(np.ones((15, 15)), ax=axes[1])
    assert returned is fig
    assert texts(axes[1]) == []


def test_show_kernel_rejects_non_2d():
    with pytest.raises(ValueError, match="must be 2-D"):
        plotting.show_kernel(np.ones(3))


# ----------------------------------------------------------------------------
# sliding_window_figure


def test_sliding_window_figure_panels_and_value():
    image = np.arange(16).reshape(4, 4)
    fig = plotting.sliding_window_figure(image, np.ones((3, 3)), (1, 1))
    titles = [ax.get_title() for ax in fig.axes]
    window_sum = image[1:4, 1:4].sum()
    assert titles == ["input", "kernel", f"output[1, 1] = {window_sum}"]


def test_sliding_window_figure_fills_output_up_to_position_in_reading_order():
    image = np.arange(25.0).reshape(5, 5)
    fig = plotting.sliding_window_figure(image, np.ones((3, 3)), (1, 0))
    shown = fig.axes[2].images[0].get_array()
    filled = ~np.ma.getmaskarray(np.ma.masked_invalid(shown))
    assert filled.tolist() == [[True, True, True], [True, False, False], [False, False, False]]


def test_sliding_window_figure_window_frame_sits_on_the_window():
    fig = plotting.sliding_window_figure(np.zeros((6, 6)), np.ones((3, 2)), (2, 4))
    frame = fig.axes[0].patches[0]
    assert (frame.get_x(), frame.get_y()) == (3.5, 1.5)
    assert (frame.get_width(), frame.get_height()) == (2, 3)


def test_sliding_window_figure_flip_shows_a_convolution():
    impulse = np.zeros((3, 3))
    impulse[1, 1] = 1
    kernel = np.arange(1, 10).reshape(3, 3)
    correlation = plotting.sliding_window_figure(np.pad(impulse, 1), kernel, (0, 0))
    convolution = plotting.sliding_window_figure(np.pad(impulse, 1), kernel, (0, 0), flip=True)
    assert correlation.axes[2].get_title() == "output[0, 0] = 9"
    assert convolution.axes[1].get_title() == "kernel (flipped)"
    assert convolution.axes[2].get_title() == "output[0, 0] = 1"


def test_sliding_window_figure_annotates_only_the_window_on_medium_images():
    fig = plotting.sliding_window_figure(np.ones((20, 20)), np.ones((3, 3)), (5, 5))
    assert len(fig.axes[0].texts) == 9


@pytest.mark.parametrize(
    ("image", "kernel", "position", "message"),
    [
        (np.zeros((4, 4)), np.ones((3, 3)), (2, 0), "inside the 2x2 output"),
        (np.zeros((4, 4)), np.ones((3, 3)), (0, -1), "inside the 2x2 output"),
        (np.zeros((2, 2)), np.ones((3, 3)), (0, 0), "must not be larger"),
        (np.zeros((4, 4, 3)), np.ones((3, 3)), (0, 0), "must be 2-D"),
    ],
)
def test_sliding_window_figure_rejects_bad_input(image, kernel, position, message):
    with pytest.raises(ValueError, match=message):
        plotting.sliding_window_figure(image, kernel, position)


# ----------------------------------------------------------------------------
# show_strip and show_padded


def test_show_strip_one_axes_per_row_with_labels_and_numbers():
    strip = np.array([1, 2, 3, 4, 5])
    modes = ["constant", "wrap"]
    fig = plotting.show_strip([np.pad(strip, 2, mode=m) for m in modes], labels=modes, pad_width=2)
    assert [ax.get_title(loc="left") for ax in fig.axes] == modes
    assert texts(fig.axes[1]) == ["4", "5", "1", "2", "3", "4", "5", "1", "2"]


def test_show_strip_shades_exactly_the_padding_cells():
    fig = plotting.show_strip(np.arange(7), pad_width=2)
    shaded = [p.get_hatch() is not None for p in fig.axes[0].patches]
    assert shaded == [True, True, False, False, False, True, True]


def test_show_strip_rejects_bad_input():
    with pytest.raises(ValueError, match="1-D"):
        plotting.show_strip([np.zeros((2, 2))])
    with pytest.raises(ValueError, match="one label per row"):
        plotting.show_strip([np.zeros(3)], labels=["a", "b"])
    with pytest.raises(ValueError, match=">= 0"):
        plotting.show_strip(np.zeros(3), pad_width=-1)


def test_show_padded_frames_the_original_image():
    padded = [np.pad(np.ones((10, 8)), 3), np.pad(np.ones((10, 8, 3)), ((3, 3), (3, 3), (0, 0)))]
    fig = plotting.show_padded(padded, 3, ["gray", "rgb"])
    for ax in fig.axes:
        (frame,) = ax.patches
        assert (frame.get_x(), frame.get_y()) == (2.5, 2.5)
        assert (frame.get_width(), frame.get_height()) == (8, 10)
