"""Right answers to every exercise, written as a student would (not the library's code)."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def image_info(image):
    if image.ndim == 2:
        return image.shape[0], image.shape[1], 1
    return image.shape[0], image.shape[1], image.shape[2]


def to_grayscale(rgb):
    rgb = rgb / 255.0 if rgb.dtype == np.uint8 else rgb.astype(np.float64)
    return 0.2125 * rgb[..., 0] + 0.7154 * rgb[..., 1] + 0.0721 * rgb[..., 2]


def bgr_to_rgb(image):
    return image[..., ::-1]


def brighten(image, amount):
    return np.clip(image.astype(np.int16) + amount, 0, 255).astype(np.uint8)


def valid_output_size(n, k):
    return n - k + 1


def correlate_loops(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


def correlate_vectorized(image, kernel):
    windows = sliding_window_view(image.astype(np.float64), kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def convolve_valid(image, kernel):
    return correlate_vectorized(image, kernel[::-1, ::-1])


def same_pad_width(k):
    return (k - 1) // 2


def pad_image(image, p, mode):
    h, w = image.shape
    rows, cols = np.arange(-p, h + p), np.arange(-p, w + p)

    def index(i, n):
        if mode == "edge":
            return np.clip(i, 0, n - 1)
        if mode == "wrap":
            return i % n
        if mode == "symmetric":
            i = i % (2 * n)
            return np.where(i < n, i, 2 * n - 1 - i)
        i = np.abs(i) % (2 * n - 2) if n > 1 else np.zeros_like(i)
        return np.where(i < n, i, 2 * n - 2 - i)

    if mode == "constant":
        out = np.zeros((h + 2 * p, w + 2 * p), dtype=image.dtype)
        out[p : p + h, p : p + w] = image
        return out
    return image[index(rows, h)[:, None], index(cols, w)[None, :]]


def correlate_same(image, kernel, mode="constant"):
    ph, pw = (kernel.shape[0] - 1) // 2, (kernel.shape[1] - 1) // 2
    if ph == pw:
        padded = pad_image(image, ph, mode)
    else:  # pad each axis separately with the 2-D helper
        padded = pad_image(image, max(ph, pw), mode)
        d = max(ph, pw)
        padded = padded[d - ph : padded.shape[0] - (d - ph), d - pw : padded.shape[1] - (d - pw)]
    return correlate_vectorized(padded, kernel)


def conv2d_params(kh, kw, c_in, c_out, bias=True):
    return kh * kw * c_in * c_out + (c_out if bias else 0)


def identity_kernel(k, channels):
    kernel = np.zeros((k, k, channels, channels), dtype=np.float32)
    kernel[k // 2, k // 2] = np.eye(channels)
    return kernel


def blur_kernel(k, channels):
    return np.ones((k, k, 1, 1), dtype=np.float32) / (k * k) * np.eye(channels, dtype=np.float32)


def depthwise_conv2d(image, kernel):
    kh, kw, channels = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1, channels))
    for i in range(kh):
        for j in range(kw):
            out += image[i : i + out.shape[0], j : j + out.shape[1]] * kernel[i, j]
    return out


def depthwise_to_conv2d_kernel(kernel):
    return kernel[:, :, :, np.newaxis] * np.eye(kernel.shape[2])


def param_counts(kh, kw, c_in, c_out):
    return kh * kw * c_in * c_out + c_out, kh * kw * c_in + c_in * c_out + c_out


def conv_output_size(n, k, padding="valid", stride=1, dilation=1):
    if padding == "same":
        return -(-n // stride)
    p_total = 0 if padding == "valid" else 2 * padding
    return (n + p_total - dilation * (k - 1) - 1) // stride + 1


def same_padding(n, k, stride=1):
    total = max((-(-n // stride) - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def correlate_strided(image, kernel, stride):
    return correlate_vectorized(image, kernel)[::stride, ::stride]


def _blocks(image, size):
    h, w = image.shape[0] // size, image.shape[1] // size
    crop = image[: h * size, : w * size].astype(np.float64)
    return crop.reshape(h, size, w, size, *image.shape[2:])


def max_pool2d(image, size):
    return _blocks(image, size).max(axis=(1, 3))


def avg_pool2d(image, size):
    return _blocks(image, size).mean(axis=(1, 3))


def avg_pool_kernel(size, channels):
    return np.ones((size, size, 1, 1)) / size**2 * np.eye(channels)


def gaussian_1d(sigma, radius):
    x = np.arange(-radius, radius + 1)
    g = np.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


def separate(kernel):
    u, s, vt = np.linalg.svd(np.asarray(kernel, dtype=float))
    return u[:, 0] * np.sqrt(s[0]), vt[0] * np.sqrt(s[0])


def blur_separable(image, k1d):
    r = len(k1d) // 2
    padded = np.pad(image.astype(np.float64), r, mode="reflect")
    h, w = image.shape
    vertical = sum(k * padded[t : t + h, :] for t, k in enumerate(k1d))
    return sum(k * vertical[:, t : t + w] for t, k in enumerate(k1d))


def sobel_gradients(image):
    p = np.pad(image.astype(np.float64), 1, mode="reflect")
    h, w = image.shape
    smooth_y = p[:-2, :] + 2 * p[1:-1, :] + p[2:, :]  # [1, 2, 1] down the columns
    smooth_x = p[:, :-2] + 2 * p[:, 1:-1] + p[:, 2:]  # [1, 2, 1] along the rows
    gx = smooth_y[:, 2:] - smooth_y[:, :-2]
    gy = smooth_x[2:, :] - smooth_x[:-2, :]
    return gx[:, :w], gy[:h, :]


def gradient_magnitude(gx, gy):
    return np.hypot(np.asarray(gx, dtype=float), np.asarray(gy, dtype=float))


def edge_map(image, threshold):
    return gradient_magnitude(*sobel_gradients(image)) > threshold


def block_mean(image, size):
    image = np.asarray(image, dtype=np.float64)
    h, w = image.shape[:2]
    out = np.zeros((-(-h // size), -(-w // size), *image.shape[2:]))
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = image[y * size : (y + 1) * size, x * size : (x + 1) * size].mean(
                axis=(0, 1)
            )
    return out


def enlarge_nearest(image, size):
    return np.repeat(np.repeat(image, size, axis=0), size, axis=1)


def pixelate(image, size, box=None):
    out = np.array(image, dtype=np.float64)
    top, left, bottom, right = box if box is not None else (0, 0, *out.shape[:2])
    grown = enlarge_nearest(block_mean(out[top:bottom, left:right], size), size)
    out[top:bottom, left:right] = grown[: bottom - top, : right - left]
    return out


def macs_per_pixel(k, method):
    return k * k if method == "direct" else 2 * k


def time_median(fn, *args, repeat=5, warmup=1, clock=None):
    for _ in range(warmup):
        fn(*args)
    durations = []
    for _ in range(repeat):
        start = clock()
        fn(*args)
        durations.append(clock() - start)
    return float(np.median(durations))


def fastest_method(rows, k):
    here = [r for r in rows if r["kernel_size"] == k and not np.isnan(r["median_s"])]
    return min(here, key=lambda r: r["median_s"])["method"]
