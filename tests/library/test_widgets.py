"""Tests of convlab.widgets: each explorer draws every state, and shows a picture without widgets."""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from convlab import widgets  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def no_ipywidgets(monkeypatch):
    """Make ``import ipywidgets`` fail, as in an environment without it."""
    monkeypatch.setitem(sys.modules, "ipywidgets", None)


def explorers():
    return {
        "brightness": widgets.brightness_explorer(np.full((8, 8), 200, np.uint8)),
        "kernel": widgets.kernel_explorer(np.arange(64.0).reshape(8, 8)),
        "border strip": widgets.border_mode_explorer(np.array([1, 2, 3, 4, 5])),
        "border image": widgets.border_mode_explorer(np.zeros((16, 16)), pad_width=3),
        "mosaic": widgets.mosaic_explorer(np.random.default_rng(0).random((24, 30, 3))),
        "aliasing": widgets.aliasing_explorer(np.random.default_rng(0).random((32, 32))),
        "stride": widgets.stride_explorer(9),
        "pooling": widgets.pooling_explorer(np.random.default_rng(0).random((24, 30, 3))),
        "conv2d": widgets.conv2d_explorer(np.random.default_rng(0).random((24, 30, 3))),
        "depthwise": widgets.depthwise_explorer(np.random.default_rng(0).random((24, 30, 3))),
    }


# ----------------------------------------------------------------------------
# the fallback and the live widget, for every explorer


@pytest.mark.parametrize("name", list(explorers()))
def test_display_without_ipywidgets_is_a_png_of_the_default_state(name, no_ipywidgets):
    bundle = explorers()[name]._repr_mimebundle_()
    assert set(bundle) == {"image/png", "text/plain"}
    assert bundle["image/png"].startswith(PNG_SIGNATURE)
    assert plt.get_fignums() == []  # the picture's figure was closed, not left to show twice


@pytest.mark.parametrize("name", list(explorers()))
def test_display_with_ipywidgets_carries_the_widget_and_the_png(name):
    pytest.importorskip("ipywidgets")
    bundle = explorers()[name]._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert bundle["image/png"].startswith(PNG_SIGNATURE)
    assert bundle["text/plain"] == "<convlab explorer>"


@pytest.mark.parametrize("name", list(explorers()))
def test_widget_has_one_control_per_explorer_control(name):
    ipywidgets = pytest.importorskip("ipywidgets")
    explorer = explorers()[name]
    widget = explorer.widget()
    controls = [w for w in widget.children if not isinstance(w, ipywidgets.Output)]
    assert [w.description for w in controls] == [c.label for c in explorer.controls.values()]
    assert [w.value for w in controls] == list(explorer.defaults.values())


def test_figure_rejects_unknown_controls():
    with pytest.raises(TypeError, match="unknown control.*'position'"):
        widgets.kernel_explorer(np.zeros((5, 5))).figure(position=3)


# ----------------------------------------------------------------------------
# brightness_explorer


def test_brightness_explorer_wraps_and_saturates():
    fig = widgets.brightness_explorer(np.array([[250, 5]], np.uint8)).figure(amount=10)
    _, wrapped, saturated = (ax.images[0].get_array() for ax in fig.axes)
    assert wrapped.tolist() == [[4, 15]]
    assert saturated.tolist() == [[255, 15]]
    assert [ax.get_title() for ax in fig.axes] == ["uint8", "uint8 + 10 (wraps)", "saturated"]


def test_brightness_explorer_negative_amount():
    fig = widgets.brightness_explorer(np.array([[3, 100]], np.uint8)).figure(amount=-5)
    _, wrapped, saturated = (ax.images[0].get_array() for ax in fig.axes)
    assert wrapped.tolist() == [[254, 95]]
    assert saturated.tolist() == [[0, 95]]
    assert fig.axes[1].get_title() == "uint8 - 5 (wraps)"


def test_brightness_explorer_slider_range():
    explorer = widgets.brightness_explorer(np.zeros((2, 2), np.uint8), limit=50)
    amount = explorer.controls["amount"]
    assert (amount.low, amount.high, amount.default) == (-50, 50, 50)


def test_brightness_explorer_requires_uint8():
    with pytest.raises(TypeError, match="uint8"):
        widgets.brightness_explorer(np.zeros((2, 2)))


# ----------------------------------------------------------------------------
# kernel_explorer


def test_kernel_explorer_sliders_cover_the_valid_output():
    explorer = widgets.kernel_explorer(np.zeros((10, 7)))
    row, col = explorer.controls["row"], explorer.controls["col"]
    assert (row.low, row.high, col.low, col.high) == (0, 7, 0, 4)
    # (label, value) pairs: the label is translated, the value is the kernel's name.
    options = explorer.controls["kernel"].options
    assert tuple(value for _label, value in options) == tuple(widgets.default_kernels())


def test_kernel_explorer_draws_the_chosen_kernel_and_pixel():
    image = np.zeros((6, 6))
    image[3, 2] = 1  # output[y, x] reads image[y + 1, x]
    fig = widgets.kernel_explorer(image).figure(kernel="shift right", row=2, col=2)
    assert fig.axes[2].get_title() == "output[2, 2] = 1"


def test_kernel_explorer_shift_right_moves_the_image_right():
    image = np.random.default_rng(0).random((6, 6))
    shift = widgets.default_kernels()["shift right"]
    fig = widgets.kernel_explorer(image).figure(kernel="shift right", row=3, col=3)
    output = fig.axes[2].images[0].get_array()
    # correlation with this kernel reads the left neighbour: output[y, x] = image[y + 1, x]
    assert shift[1, 0] == 1
    assert np.allclose(output[0], image[1, :4])


def test_kernel_explorer_custom_kernels_and_errors():
    explorer = widgets.kernel_explorer(np.zeros((5, 5)), {"ones": np.ones((2, 2))})
    assert explorer.defaults["kernel"] == "ones"
    with pytest.raises(ValueError, match="same shape"):
        widgets.kernel_explorer(np.zeros((5, 5)), {"a": np.ones((2, 2)), "b": np.ones((3, 3))})
    with pytest.raises(ValueError, match="at least as large"):
        widgets.kernel_explorer(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="2-D"):
        widgets.kernel_explorer(np.zeros((5, 5, 3)))


# ----------------------------------------------------------------------------
# border_mode_explorer


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("constant", "001234500"),
        ("edge", "111234555"),
        ("reflect", "321234543"),
        ("symmetric", "211234554"),
        ("wrap", "451234512"),
    ],
)
def test_border_mode_explorer_strip_matches_numpy_pad(mode, expected):
    fig = widgets.border_mode_explorer(np.array([1, 2, 3, 4, 5])).figure(mode=mode)
    assert "".join(t.get_text() for t in fig.axes[0].texts) == expected
    assert fig.axes[0].get_title(loc="left") == mode


def test_border_mode_explorer_image_is_padded_with_a_frame():
    rgb = np.zeros((12, 10, 3))
    fig = widgets.border_mode_explorer(rgb).figure(mode="wrap", pad_width=4)
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (20, 18, 3)
    assert ax.get_title() == "padded (wrap)"
    assert len(ax.patches) == 1


def test_border_mode_explorer_pad_width_range():
    assert widgets.border_mode_explorer(np.arange(5)).controls["pad_width"].high == 10
    assert widgets.border_mode_explorer(np.zeros((30, 40))).controls["pad_width"].high == 15
    with pytest.raises(ValueError, match="strip"):
        widgets.border_mode_explorer(np.zeros((2, 2, 2, 2)))


def test_widget_labels_follow_the_language_and_values_do_not():
    from convlab import i18n

    before = i18n.get_language()
    try:
        i18n.set_language("es")
        explorer = widgets.depthwise_explorer(np.full((8, 8, 3), 0.5))
        red = explorer.controls["red"]
        assert red.label == "rojo"
        assert ("desenfoque de caja", "box blur") in red.options
        dropdown = red.widget()
        assert dropdown.value == "box blur" and "desenfoque de caja" in dropdown.options[1]
        fig = explorer.figure(red="zero")
        titles = [ax.get_title() for ax in fig.axes]
        # The wording is the translators' (read from the catalog); it must not be English.
        expected = [i18n.gettext("image"), i18n.gettext("depthwise output")]
        assert titles[:2] == expected and titles[2] == "R: cero"
        assert expected != ["image", "depthwise output"]
        i18n.set_language("ja")
        fig = widgets.stride_explorer(9).figure(k=3, stride=2, padding="same")
        assert fig.axes[0].get_title().endswith("：5個の出力")
    finally:
        i18n.set_language(before)


# ----------------------------------------------------------------------------
# lesson 10: mosaic_explorer, aliasing_explorer


def test_mosaic_explorer_draws_every_state_with_translated_option_labels():
    explorer = widgets.mosaic_explorer(np.full((20, 20, 3), 128, np.uint8))
    assert [label for label, _value in explorer.controls["blur"].options] == [
        "none",
        "Gaussian, zero borders",
        "Gaussian, reflect borders",
    ]
    for shrink in ("mean", "pixel"):
        for blur in ("none", "constant", "reflect"):
            fig = explorer.figure(size=6, shrink=shrink, blur=blur)
            assert [ax.get_title() for ax in fig.axes] == ["image", "mosaic: 4x4 blocks of 6x6"]
            plt.close(fig)


def test_mosaic_blur_with_zero_borders_darkens_the_edge_blocks_only():
    white = np.ones((16, 16))
    zeros = widgets.mosaic._shrink(white, 2, "mean", "constant")
    mirrored = widgets.mosaic._shrink(white, 2, "mean", "reflect")
    assert zeros[0, 0] < 0.9 and np.isclose(zeros[4, 4], 1.0)
    np.testing.assert_allclose(mirrored, 1.0)


def test_aliasing_explorer_block_mean_matches_convlab_and_blur_removes_false_rings():
    import convlab

    plate = convlab.zone_plate(128)
    explorer = widgets.aliasing_explorer(plate)
    fig = explorer.figure(factor=4, method="mean")
    shown = fig.axes[1].get_images()[0].get_array()
    np.testing.assert_allclose(shown, convlab.enlarge_nearest(convlab.block_mean(plate, 4), 4))
    assert fig.axes[1].get_title() == "shrunk 4 times: 32x32"
    plt.close(fig)

    def outer_spread(method):
        fig = explorer.figure(factor=4, method=method)
        small = np.asarray(fig.axes[1].get_images()[0].get_array())[::4, ::4]
        plt.close(fig)
        yy, xx = np.mgrid[:32, :32]
        r = np.hypot(yy - 16, xx - 16) * 4
        return small[(r > 20) & (r < 64)].std()

    assert outer_spread("blur") < outer_spread("subsample") / 5


# -- the static picture (GitHub, nbviewer, a PDF export) ----------------------


def _legend_over_data_explorer():
    """Like lesson 08's: two curves filling the axes, a small legend that lands on them."""

    def render(sigma):
        fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), layout="constrained")
        x = np.arange(-10, 11)
        for name, width in (("right: exp(-x² / (2σ²))", sigma), ("buggy", sigma * 1.4)):
            axes[0].plot(x, np.exp(-(x**2) / (2 * width**2)), marker=".", label=name)
        axes[0].legend(fontsize=7)
        for ax in axes[1:]:
            ax.imshow(np.zeros((4, 4)))
            ax.set_title("image", fontsize=6)
        return fig

    return widgets.Explorer(render, {"sigma": widgets.Control("σ", 2, low=1, high=6)})


@pytest.mark.parametrize("name", [*sorted(explorers()), "legend over data"])
def test_static_picture_is_readable(name):
    from convlab.widgets.core import MIN_FONT_POINTS, STATIC_DPI, _hides_data, _labels

    explorer = _legend_over_data_explorer() if name == "legend over data" else explorers()[name]
    fig = widgets.make_readable(explorer.figure())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    sizes = {t.get_text(): t.get_fontsize() for t in _labels(fig)}
    assert sizes, "the figure has no labels to check"
    assert min(sizes.values()) >= MIN_FONT_POINTS, sizes
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            assert not _hides_data(ax, legend, renderer), name
    # The PNG every viewer without a kernel shows is drawn at STATIC_DPI.
    png = explorer.png()
    width = int.from_bytes(png[16:20], "big")
    assert width == pytest.approx(fig.get_figwidth() * STATIC_DPI, abs=2)


def test_a_legend_hiding_data_is_moved_below_its_axes():
    fig = widgets.make_readable(_legend_over_data_explorer().figure())
    fig.canvas.draw()
    ax = fig.axes[0]
    legend_box = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    assert legend_box.y1 <= ax.get_window_extent().y0


def test_aliasing_explorer_draws_one_pattern_pixel_per_screen_pixel():
    """A fine pattern drawn smaller than its size aliases on the screen: rings not in the data."""
    import convlab

    explorer = widgets.aliasing_explorer(convlab.zone_plate(512))
    fig = explorer.figure(factor=4, method="subsample")
    fig.set_dpi(widgets.core.STATIC_DPI)
    for ax in fig.axes:
        box = ax.get_window_extent()
        assert (round(box.width), round(box.height)) == (256, 256)
        assert ax.get_images()[0].get_array().shape == (256, 256)
    assert "256×256" in fig.axes[0].get_title()
    plt.close(fig)
