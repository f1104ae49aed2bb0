"""Sample images for the lessons, from scikit-image's bundled data (no network).

Introduced in lesson 01, images as arrays.

Every function returns a **new, writable copy**: a student may draw on the
result freely.  The decoded and resized master of each image is cached
(``functools.lru_cache``, read-only inside the cache), so repeated calls cost
one copy, not a decode and a resize.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Sequence

import numpy as np

from ._validation import _describe, quote_list
from .i18n import gettext as _

__all__ = [
    "SAMPLE_IMAGES",
    "sample_image",
    "astronaut",
    "camera",
    "coffee",
    "zone_plate",
    "stripes",
]

#: Images ``sample_image`` knows, all bundled with scikit-image.
SAMPLE_IMAGES = ("astronaut", "camera", "chelsea", "coffee", "coins", "moon", "rocket", "text")


def _check_size(size: object) -> tuple[int, int] | None:
    if size is None:
        return None
    if (
        isinstance(size, Sequence | np.ndarray)
        and not isinstance(size, str)
        and len(size) == 2
        and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in size)
    ):
        height, width = (int(v) for v in size)
        if height >= 1 and width >= 1:
            return height, width
        raise ValueError(
            _("`size` must be positive (height, width); got {got}.").format(got=(height, width))
        )
    raise TypeError(
        _("`size` must be None or a pair of integers (height, width); got {got}.").format(
            got=_describe(size)
        )
    )


@functools.lru_cache(maxsize=32)
def _load(name: str, size: tuple[int, int] | None, gray: bool) -> np.ndarray:
    """Decode, convert and resize one image; the result is cached read-only."""
    import skimage.data

    image = getattr(skimage.data, name)()
    if image.dtype != np.uint8:  # every bundled image is uint8; stay safe
        from skimage.util import img_as_ubyte

        image = img_as_ubyte(image)
    if image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, :3]
    if gray and image.ndim == 3:
        from skimage.color import rgb2gray

        image = np.clip(np.rint(rgb2gray(image) * 255), 0, 255).astype(np.uint8)
    if size is not None and image.shape[:2] != size:
        from skimage.transform import resize

        resized = resize(
            image, size + image.shape[2:], order=1, preserve_range=True, anti_aliasing=True
        )
        image = np.clip(np.rint(resized), 0, 255).astype(np.uint8)
    image = np.ascontiguousarray(image)
    image.flags.writeable = False
    return image


def sample_image(name: str, *, size=None, gray: bool = False) -> np.ndarray:
    """A sample image from scikit-image's bundled data, as ``uint8``.

    Parameters
    ----------
    name : str
        One of :data:`SAMPLE_IMAGES`.
    size : (int, int), optional
        ``(height, width)`` to resize to (bilinear, anti-aliased when
        shrinking, rounded back to ``uint8``).  ``None``: the original size.
    gray : bool, optional
        Convert a colour image to grayscale with ``skimage.color.rgb2gray``'s
        weights (``0.2125 R + 0.7154 G + 0.0721 B``), rounded to ``uint8``.

    Returns
    -------
    ndarray of uint8
        ``(H, W, 3)`` for a colour image, ``(H, W)`` for a grayscale one; a
        new writable copy on every call.

    Raises
    ------
    TypeError
        If `size` is not a pair of integers.
    ValueError
        If `name` is unknown or `size` is not positive.

    See Also
    --------
    astronaut, camera, coffee : The course's three standard images.
    skimage.data : Where the images come from.

    Examples
    --------
    >>> image = sample_image("chelsea", size=(30, 40), gray=True)
    >>> image.shape, image.dtype
    ((30, 40), dtype('uint8'))
    """
    if not (isinstance(name, str) and name in SAMPLE_IMAGES):
        raise ValueError(
            _("`name` must be one of {valid}; got {got!r}.").format(
                valid=quote_list(SAMPLE_IMAGES), got=name
            )
        )
    if not isinstance(gray, bool | np.bool_):
        raise TypeError(_("`gray` must be a bool; got {got}.").format(got=_describe(gray)))
    return _load(name, _check_size(size), bool(gray)).copy()


def astronaut() -> np.ndarray:
    """Eileen Collins, NASA astronaut: 600 x 600 RGB ``uint8``.

    scikit-image's 512 x 512 portrait resized to 600 x 600 (bilinear,
    ``preserve_range``, rounded), so that the lessons' shapes are not powers
    of two by accident.

    Returns
    -------
    (600, 600, 3) ndarray of uint8
        A new writable copy on every call.

    See Also
    --------
    sample_image : Other images, sizes, grayscale.

    Examples
    --------
    >>> image = astronaut()
    >>> image.shape, image.dtype
    ((600, 600, 3), dtype('uint8'))
    """
    return sample_image("astronaut", size=(600, 600))


def camera() -> np.ndarray:
    """The cameraman: 224 x 224 grayscale ``uint8`` (a typical CNN input size).

    scikit-image's 512 x 512 image shrunk with anti-aliasing.

    Returns
    -------
    (224, 224) ndarray of uint8
        A new writable copy on every call.

    See Also
    --------
    sample_image : Other images, sizes, grayscale.

    Examples
    --------
    >>> image = camera()
    >>> image.shape, image.dtype
    ((224, 224), dtype('uint8'))
    """
    return sample_image("camera", size=(224, 224))


def coffee() -> np.ndarray:
    """A cup of coffee: 960 x 1280 RGB ``uint8`` (large, for the speed lesson).

    scikit-image's 400 x 600 photograph enlarged to 960 x 1280 (bilinear).
    The aspect ratio changes slightly (3:2 to 4:3).

    Returns
    -------
    (960, 1280, 3) ndarray of uint8
        A new writable copy on every call.

    See Also
    --------
    sample_image : Other images, sizes, grayscale.

    Examples
    --------
    >>> image = coffee()
    >>> image.shape, image.dtype
    ((960, 1280, 3), dtype('uint8'))
    """
    return sample_image("coffee", size=(960, 1280))


# ----------------------------------------------------------------------------
# synthetic patterns (lesson 10, aliasing)


def zone_plate(size: int = 512) -> np.ndarray:
    """A zone plate: rings whose frequency grows linearly from the centre.

    ``0.5 + 0.5 * cos(pi * r**2 / size)`` with ``r`` the distance in pixels
    from the centre.  The local frequency at distance ``r`` is ``r / size``
    cycles per pixel: 0 at the centre, 0.5 (the most a grid of pixels can
    hold, the Nyquist frequency) at the middle of each edge.  Keeping every
    ``k``-th pixel can only hold ``0.5 / k``, so rings farther than
    ``size / (2 k)`` from the centre come out as false patterns (aliasing).

    Introduced in lesson 10, mosaic, downsampling and aliasing.

    Parameters
    ----------
    size : int, default 512
        Side of the square image in pixels, >= 2.

    Returns
    -------
    (size, size) ndarray of float64
        Values in [0, 1].

    Examples
    --------
    >>> plate = zone_plate(8)
    >>> plate.shape, float(plate.min()) >= 0, float(plate.max()) <= 1
    ((8, 8), True, True)
    >>> float(zone_plate(64)[32, 32])  # the centre is white
    1.0
    """
    from ._validation import check_int

    size = check_int(size, name="size", minimum=2)
    offset = np.arange(size) - size // 2
    r2 = offset[:, np.newaxis] ** 2 + offset[np.newaxis, :] ** 2
    return 0.5 + 0.5 * np.cos(np.pi * r2 / size)


def stripes(shape=(64, 256), period: float = 2.5) -> np.ndarray:
    """Vertical stripes: ``0.5 + 0.5 * cos(2 * pi * x / period)``.

    Introduced in lesson 10, mosaic, downsampling and aliasing.

    Parameters
    ----------
    shape : (int, int), default (64, 256)
        Height and width in pixels.
    period : float, default 2.5
        Pixels per stripe (dark and light), > 0.  Below 2 the stripes are
        finer than a grid of pixels can hold, and already alias.

    Returns
    -------
    ndarray of float64, shape `shape`
        Values in [0, 1]; every row is the same.

    Examples
    --------
    >>> stripes((1, 4), period=4.0).round(3)
    array([[1. , 0.5, 0. , 0.5]])
    """
    from ._validation import check_pair, check_real

    height, width = check_pair(shape, name="shape")
    period = check_real(period, name="period", positive=True)
    row = 0.5 + 0.5 * np.cos(2 * np.pi * np.arange(width) / period)
    return np.repeat(row[np.newaxis, :], height, axis=0)
