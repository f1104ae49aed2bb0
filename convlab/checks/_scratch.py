"""The from-scratch guard: which library calls an exercise forbids, and how they are seen.

While a student's function runs, a profile hook (``sys.setprofile`` and
``threading.setprofile``) receives a ``'call'`` event for every Python frame
and a ``'c_call'`` event for every built-in function called from Python code.
A call is forbidden when the frame's code object, or the built-in function
object, is one of the library functions listed below.  Matching is by
identity, so it does not matter how the student reached the function: under
another name, captured in a default argument before the check started,
through a lambda, ``functools.partial`` or a helper of their own.

Forbidden groups
----------------
``"conv"`` (correlation and convolution exercises)
    convlab's reference functions (``convlab.convolution``, ``convlab.pooling``,
    ``convlab.edges``, ``separable_correlate2d``, ``layers.conv2d`` and
    friends); ``numpy.convolve`` and ``numpy.correlate``; ``scipy.signal``
    ``convolve``, ``correlate``, ``convolve2d``, ``correlate2d``,
    ``fftconvolve``, ``oaconvolve``, ``sepfir2d``, ``lfilter``; every linear and
    rank filter of ``scipy.ndimage``; OpenCV ``filter2D``, ``sepFilter2D``,
    ``blur``, ``boxFilter``, ``GaussianBlur``, ``medianBlur``, ``Sobel``,
    ``Scharr``, ``Laplacian``, ``matchTemplate`` and morphology; TensorFlow's
    convolution and pooling ops and PyTorch's ``conv*d``, but only when the
    student's session already imported them (this module never imports
    TensorFlow).  The C primitives under those Python functions
    (``scipy.ndimage._nd_image.correlate``, ``scipy.signal._sigtools._convolve2d``,
    ``numpy``'s ``multiarray.correlate``...) are listed too, so a library built
    on top of them (``skimage.filters``) is caught as well;
    ``skimage.measure.block_reduce`` (pooling by another name).
``"resize"`` (downsampling and enlarging exercises of lesson 10)
    ``convlab.pixelation`` and ``convlab.pooling``; ``cv2.resize``, ``pyrDown``,
    ``pyrUp``, ``warpAffine``, ``remap``; ``skimage.transform`` ``resize``,
    ``rescale``, ``downscale_local_mean``, pyramids and ``warp``;
    ``skimage.measure.block_reduce``; ``scipy.ndimage`` ``zoom`` and the
    geometric transforms; TensorFlow's and PyTorch's resizing.
``"shapes"`` (output-size exercises of lesson 04)
    ``convlab.shapes`` (``conv_output_size``, ``same_padding``...) and ``convlab.tf``.
``"pad"`` (padding exercises)
    ``numpy.pad``, ``convlab.pad``, ``cv2.copyMakeBorder``, TensorFlow's
    ``pad``/``mirror_pad`` ops and ``torch.nn.functional.pad``.

Allowed, because vectorizing is the point of the lessons: every NumPy array
operation, including ``sliding_window_view``, ``as_strided``, ``einsum``,
``tensordot``, ``take`` and FFTs; ``skimage.util.view_as_windows``.

Tampering
---------
Calling ``sys.setprofile``, ``sys.getprofile``, ``threading.setprofile`` or
``threading.getprofile`` inside the guarded function counts as tampering, as
does leaving any hook but ours installed when the function returns.  An audit
hook (``sys.addaudithook``, installed once, on first use) sees
``sys.setprofile`` even when it is called from C code (``functools.partial``).

Known limits
------------
A built-in (C) function called *by other C code* produces no event: for example
``list(map(cv2.filter2D, ...))``, or a ``functools.partial`` of an OpenCV
function created while the student's function runs.  Partials and functions
captured before the call are found by a static walk of the student's function
(globals it names, closures, defaults, partial objects).  Threads started with
``_thread`` directly and subprocesses are not observed.
"""

from __future__ import annotations

import functools
import inspect
import sys
import threading
import types

__all__ = ["GROUPS", "Guard"]

_ALL = "*"  # every function defined in that module

#: Forbidden callables per group: module name -> attribute names (or ``"*"``).
GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "conv": {
        "convlab.convolution": (_ALL,),
        "convlab.pooling": (_ALL,),
        "convlab.edges": (_ALL,),
        "convlab.separable": ("separable_correlate2d",),
        "convlab.layers": ("conv2d", "depthwise_conv2d", "separable_conv2d", "_tap"),
        "convlab.tf": (_ALL,),
        "numpy": ("convolve", "correlate"),
        "numpy._core.multiarray": ("correlate", "correlate2"),
        "scipy.signal": (
            "convolve",
            "correlate",
            "convolve2d",
            "correlate2d",
            "fftconvolve",
            "oaconvolve",
            "sepfir2d",
            "lfilter",
        ),
        "scipy.signal._sigtools": ("_convolve2d", "_correlateND", "_linear_filter"),
        "scipy.ndimage": (
            "correlate",
            "convolve",
            "correlate1d",
            "convolve1d",
            "uniform_filter",
            "uniform_filter1d",
            "gaussian_filter",
            "gaussian_filter1d",
            "gaussian_laplace",
            "gaussian_gradient_magnitude",
            "laplace",
            "sobel",
            "prewitt",
            "generic_filter",
            "generic_filter1d",
            "generic_laplace",
            "generic_gradient_magnitude",
            "maximum_filter",
            "maximum_filter1d",
            "minimum_filter",
            "minimum_filter1d",
            "median_filter",
            "rank_filter",
            "percentile_filter",
        ),
        "scipy.ndimage._nd_image": (
            "correlate",
            "correlate1d",
            "uniform_filter1d",
            "min_or_max_filter",
            "min_or_max_filter1d",
            "generic_filter",
            "generic_filter1d",
            "rank_filter",
        ),
        "cv2": (
            "filter2D",
            "sepFilter2D",
            "blur",
            "boxFilter",
            "sqrBoxFilter",
            "GaussianBlur",
            "medianBlur",
            "bilateralFilter",
            "Sobel",
            "Scharr",
            "Laplacian",
            "matchTemplate",
            "dilate",
            "erode",
            "morphologyEx",
        ),
        "tensorflow.python.ops.gen_nn_ops": (
            "conv2d",
            "conv2d_backprop_input",
            "conv3d",
            "depthwise_conv2d_native",
            "max_pool",
            "max_pool_v2",
            "avg_pool",
        ),
        # block_reduce is pooling by another name.
        "skimage.measure": ("block_reduce",),
        "torch": ("conv1d", "conv2d", "conv3d", "conv_transpose2d"),
        "torch.nn.functional": (
            "conv1d",
            "conv2d",
            "conv3d",
            "conv_transpose2d",
            "max_pool2d",
            "avg_pool2d",
        ),
    },
    "resize": {
        "convlab.pixelation": (_ALL,),
        "convlab.pooling": (_ALL,),
        "cv2": ("resize", "pyrDown", "pyrUp", "warpAffine", "remap"),
        "skimage.transform": (
            "resize",
            "rescale",
            "downscale_local_mean",
            "pyramid_reduce",
            "pyramid_expand",
            "warp",
        ),
        "skimage.measure": ("block_reduce",),
        "scipy.ndimage": ("zoom", "map_coordinates", "affine_transform", "uniform_filter"),
        "scipy.ndimage._nd_image": ("zoom_shift", "geometric_transform", "uniform_filter1d"),
        "tensorflow.python.ops.gen_image_ops": (
            "resize_area",
            "resize_bilinear",
            "resize_nearest_neighbor",
        ),
        "torch.nn.functional": ("interpolate", "avg_pool2d"),
    },
    "shapes": {
        "convlab.shapes": (_ALL,),
        "convlab.tf": (_ALL,),
    },
    "pad": {
        "convlab.padding": ("pad", "_pad", "_source_index"),
        "convlab.layers": ("_pad_same",),
        "numpy": ("pad",),
        "cv2": ("copyMakeBorder",),
        "tensorflow.python.ops.gen_array_ops": ("pad", "pad_v2", "mirror_pad"),
        "torch.nn.functional": ("pad",),
    },
}

# Calls that switch the guard off.  The Python ones are matched by code object.
_TAMPER_BUILTINS = (sys.setprofile, sys.getprofile)
_TAMPER_FUNCTIONS = tuple(
    f for f in (getattr(threading, "setprofile", None), getattr(threading, "getprofile", None)) if f
)

# Guards whose student function is running (read by the audit hook).
_armed: list[Guard] = []
_audit_installed: list[bool] = []


_THREAD_START = getattr(getattr(threading.Thread, "_bootstrap_inner", None), "__code__", None)


def _audit(event: str, args: tuple) -> None:
    # Never raise from an audit hook: it would break the student's code.
    if event != "sys.setprofile" or not _armed:
        return
    try:
        caller = sys._getframe(1)
        if caller.f_code is _THREAD_START:
            return  # a new thread installing the hook threading.setprofile gave it
    except (AttributeError, ValueError):
        pass
    for guard in _armed:
        if guard.armed and guard.tampering is None:
            guard.tampering = "sys.setprofile"


def _install_audit_hook() -> None:
    if not _audit_installed:
        sys.addaudithook(_audit)
        _audit_installed.append(True)


def _python_code(obj: object) -> types.CodeType | None:
    """The code object that runs when `obj` is called, if it is Python code."""
    implementation = getattr(type(obj), "__name__", "") == "_ArrayFunctionDispatcher"
    if implementation:  # numpy >= 2 wraps its Python functions in a C dispatcher
        obj = getattr(obj, "_implementation", obj)
    try:
        obj = inspect.unwrap(obj)
    except ValueError:
        return None
    code = getattr(obj, "__code__", None)
    return code if isinstance(code, types.CodeType) else None


class Guard:
    """Run a student's function and record forbidden library calls.

    Parameters
    ----------
    groups : sequence of str
        Keys of `GROUPS` whose callables are forbidden.

    Attributes
    ----------
    violation : str or None
        Dotted name of the first forbidden callable the last call reached.
    tampering : str or None
        What switched the guard off during the last call, if anything.
    """

    def __init__(self, groups) -> None:
        self._spec: dict[str, set[str]] = {}
        for group in groups:
            for module, names in GROUPS[group].items():
                self._spec.setdefault(module, set()).update(names)
        self._present: frozenset[str] | None = None
        self._codes: dict[int, str] = {}
        self._builtins: dict[int, str] = {}
        self._keep: list[object] = []
        self.violation: str | None = None
        self.tampering: str | None = None
        self.armed = False
        self.refresh()

    # -- tables ------------------------------------------------------------

    def refresh(self) -> bool:
        """Rebuild the identity tables if a listed module was imported since; say if so."""
        present = frozenset(name for name in self._spec if name in sys.modules)
        if present == self._present:
            return False
        self._present = present
        codes: dict[int, str] = {}
        builtins_: dict[int, str] = {}
        keep: list[object] = []
        for module_name in sorted(present):
            module = sys.modules[module_name]
            for attr, obj in self._members(module, module_name):
                label = _label(module_name, attr)
                code = _python_code(obj)
                if code is not None:
                    codes.setdefault(id(code), label)
                    keep.append(code)
                elif isinstance(obj, types.BuiltinFunctionType):
                    builtins_.setdefault(id(obj), label)
                    keep.append(obj)
        for function in _TAMPER_FUNCTIONS:
            codes[id(function.__code__)] = "threading." + function.__name__
            keep.append(function.__code__)
        self._codes, self._builtins, self._keep = codes, builtins_, keep
        return True

    def _members(self, module: types.ModuleType, module_name: str):
        names = self._spec[module_name]
        if _ALL in names:
            for attr, obj in list(vars(module).items()):
                if isinstance(obj, types.FunctionType) and obj.__module__ == module_name:
                    yield attr, obj
        for attr in sorted(names - {_ALL}):
            obj = getattr(module, attr, None)
            if obj is not None:
                yield attr, obj

    def label_of(self, obj: object) -> str | None:
        """Dotted name of `obj` if calling it is forbidden, else None."""
        if isinstance(obj, functools.partial):
            return self.label_of(obj.func)
        if isinstance(obj, types.MethodType):
            obj = obj.__func__
        if isinstance(obj, types.BuiltinFunctionType):
            return self._builtins.get(id(obj))
        code = _python_code(obj)
        return None if code is None else self._codes.get(id(code))

    # -- static walk -------------------------------------------------------

    def static_violation(self, function: object, *, limit: int = 5000) -> str | None:
        """Find forbidden callables stored in partial objects the function can reach.

        The profile hook sees every call made from Python code; what it
        cannot see is a built-in called by C code, typically through
        ``functools.partial``.  This walks the student's function, the
        functions of the same notebook it names, closures, defaults and
        partial objects, and reports a partial of a forbidden callable.
        """
        root_globals = getattr(function, "__globals__", None)
        stack: list[tuple[object, bool]] = [(function, True)]
        seen: set[int] = set()
        while stack and len(seen) < limit:
            obj, trusted = stack.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if isinstance(obj, functools.partial):
                label = self.label_of(obj.func)
                if label is not None:
                    return label
                stack.append((obj.func, True))
                stack.extend((value, True) for value in (*obj.args, *obj.keywords.values()))
            elif isinstance(obj, types.MethodType):
                stack.append((obj.__func__, trusted))
            elif isinstance(obj, types.FunctionType):
                if not trusted and obj.__globals__ is not root_globals:
                    continue
                for cell in obj.__closure__ or ():
                    try:
                        stack.append((cell.cell_contents, True))
                    except ValueError:  # empty cell
                        pass
                stack.extend((value, True) for value in obj.__defaults__ or ())
                stack.extend((value, True) for value in (obj.__kwdefaults__ or {}).values())
                namespace = obj.__globals__
                for name in _global_names(obj.__code__):
                    if name in namespace:
                        stack.append((namespace[name], False))
            elif isinstance(obj, (list, tuple)) and trusted and len(obj) <= 100:
                stack.extend((value, True) for value in obj)
        return None

    # -- the call ----------------------------------------------------------

    def call(self, function, args: tuple, kwargs: dict):
        """Call ``function(*args, **kwargs)`` with the hook installed; return its result.

        Exceptions raised by the function propagate.  `violation` and
        `tampering` describe the call afterwards.
        """
        _install_audit_hook()
        self.violation = None
        self.tampering = None
        codes, builtins_, guard = self._codes, self._builtins, self
        tamper_builtins = {id(f): "sys." + f.__name__ for f in _TAMPER_BUILTINS}

        def hook(frame, event, arg):
            if not guard.armed:
                return
            if event == "call":
                label = codes.get(id(frame.f_code))
                if label is None:
                    return
                if label.startswith("threading."):
                    if guard.tampering is None:
                        guard.tampering = label
                elif guard.violation is None:
                    guard.violation = label
            elif event == "c_call":
                key = id(arg)
                label = builtins_.get(key)
                if label is not None:
                    if guard.violation is None:
                        guard.violation = label
                elif key in tamper_builtins and guard.tampering is None:
                    guard.tampering = tamper_builtins[key]

        previous = sys.getprofile()
        previous_thread = threading.getprofile() if hasattr(threading, "getprofile") else None
        _armed.append(self)
        threading.setprofile(hook)
        sys.setprofile(hook)
        self.armed = True
        try:
            return function(*args, **kwargs)
        finally:
            self.armed = False
            installed = sys.getprofile()
            sys.setprofile(previous)
            threading.setprofile(previous_thread)
            _armed.remove(self)
            if installed is not hook and self.tampering is None:
                self.tampering = "sys.setprofile"


def _label(module_name: str, attr: str) -> str:
    public = {
        "numpy._core.multiarray": "numpy",
        "scipy.signal._sigtools": "scipy.signal",
        "scipy.ndimage._nd_image": "scipy.ndimage",
        "tensorflow.python.ops.gen_nn_ops": "tensorflow",
        "tensorflow.python.ops.gen_array_ops": "tensorflow",
    }
    return f"{public.get(module_name, module_name)}.{attr.lstrip('_')}"


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names
