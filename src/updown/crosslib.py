"""Every library's resize against the book's: the measured matrix of chapter *Where are the pixels?*.

Needs the ``crosslib`` install extra (Pillow, OpenCV, scikit-image, onnx); it is the only module of the library that
imports them. Each :class:`Entry` is one library's resize call for one mode, taking an image and a scale factor the
way that library takes it: PyTorch's ``F.interpolate(scale_factor=s)`` and ONNX's ``Resize`` with a ``scales``
input floor the output size; OpenCV's ``cv2.resize(fx=s, fy=s)``, Pillow's ``ImageOps.scale`` and
scikit-image's ``rescale`` round it. :func:`measure` runs every entry at every scale and compares it with
:func:`book_resize`, the book's implementation of the same convention at the library's output size, and
:func:`reproduce` searches the PyTorch calls and ONNX attribute sets that give the same output.

Agreement is judged by a tolerance (:data:`TOLERANCE` times the input's value range), never bit for bit: OpenCV and
PyTorch pick their SIMD code per CPU, and their last bits differ between CPUs. :func:`cell` prints a difference
only at a precision that no CPU can change, and raises when a value is too close to a printing threshold.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from . import interpolation as _interp

__all__ = ["SCALES", "TOLERANCE", "FAMILIES", "Entry", "entries", "book_resize", "onnx_resize", "measure",
           "reproduce", "cell", "agrees", "tie_indices", "Measurement", "book_available", "torch_candidates", "onnx_candidates", "coordinate_formulas", "onnx_coordinates"]

#: The scale factors of the matrix.
SCALES = (2.0, 0.5, 0.125, 1.3, 0.9999)
#: Agreement: a maximum absolute difference at most this times the input's value range.
TOLERANCE = 1e-6

#: The book's modes an entry is measured against, and the ``interpolate`` arguments that compute each one.
FAMILIES = {
    "nearest": dict(mode="nearest"),
    "nearest-exact": dict(mode="nearest-exact"),
    "bilinear": dict(mode="bilinear", align_corners=False),
    "bilinear, corners": dict(mode="bilinear", align_corners=True),
    "bilinear, antialias": dict(mode="bilinear", antialias=True),
    "bicubic": dict(mode="bicubic", align_corners=False),
    "bicubic, antialias": dict(mode="bicubic", antialias=True),
    "area": dict(mode="area"),
    "lanczos, antialias": dict(mode="lanczos", antialias=True),
}


@dataclass(frozen=True)
class Entry:
    """One library's resize for one mode.

    ``resize(x, s)`` takes a 2D float64 image and a scale factor and returns the library's output. ``family`` is
    the book's mode it is measured against (a key of :data:`FAMILIES`, or ``None``: no book mode), ``by`` says which
    scale the library maps coordinates with: ``"scale"`` (the factor given), ``"float32 scale"`` (the factor
    rounded to float32: ONNX's ``scales`` input is a float tensor) or ``"size"`` (the size ratio).
    """

    library: str
    setting: str
    family: str | None
    by: str
    resize: Callable[[np.ndarray, float], np.ndarray]
    note: str = ""

    @property
    def name(self) -> str:
        return f"{self.library} {self.setting}"


def _floor_size(n: int, s: float) -> int:
    return int(math.floor(n * s))


# ---------------------------------------------------------------------------------------------- the libraries

def _torch(**kw):
    def resize(x, s):
        return F.interpolate(torch.from_numpy(x)[None, None], scale_factor=s, **kw)[0, 0].numpy()
    return resize


def _pillow(filter_name):
    from PIL import Image, ImageOps

    def resize(x, s):
        resample = getattr(Image.Resampling, filter_name)
        image = Image.fromarray(np.asarray(x, dtype=np.float32))  # Pillow's float images are float32
        return np.asarray(ImageOps.scale(image, s, resample=resample), dtype=np.float64)
    return resize


def _opencv(flag):
    import cv2

    def resize(x, s):
        return cv2.resize(x, None, fx=s, fy=s, interpolation=getattr(cv2, flag))
    return resize


def _skimage(order, anti_aliasing=False):
    from skimage.transform import rescale

    def resize(x, s):
        out = rescale(x, s, order=order, mode="edge", anti_aliasing=anti_aliasing, preserve_range=True)
        return out
    return resize


def onnx_resize(x: np.ndarray, scales=None, sizes=None, **attributes) -> np.ndarray:
    """Run a one-node ONNX ``Resize`` model on a 2D image with onnx's reference evaluator.

    ``scales`` or ``sizes`` is a pair (rows, columns); ``attributes`` are the node's attributes
    (``mode``, ``coordinate_transformation_mode``, ``nearest_mode``, ``cubic_coeff_a``, ``antialias``,
    ``exclude_outside``). Raises ``ValueError`` unless exactly one of ``scales`` and ``sizes`` is given.
    """
    from onnx import TensorProto, helper
    from onnx.reference import ReferenceEvaluator

    if (scales is None) == (sizes is None):
        raise ValueError(f"give exactly one of scales and sizes, got scales={scales!r} and sizes={sizes!r}")
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"x must be float32 or float64, got {x.dtype}")
    x = x[None, None]
    element = TensorProto.DOUBLE if x.dtype == np.float64 else TensorProto.FLOAT
    if scales is not None:
        init = helper.make_tensor("scales", TensorProto.FLOAT, [4], [1.0, 1.0, *map(float, scales)])
        inputs = ["X", "", "scales"]
    else:
        init = helper.make_tensor("sizes", TensorProto.INT64, [4], [1, 1, *map(int, sizes)])
        inputs = ["X", "", "", "sizes"]
    node = helper.make_node("Resize", inputs, ["Y"], **attributes)
    graph = helper.make_graph([node], "resize", [helper.make_tensor_value_info("X", element, x.shape)],
                              [helper.make_tensor_value_info("Y", element, None)], initializer=[init])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
    return ReferenceEvaluator(model).run(None, {"X": x})[0][0, 0]


def _onnx(**attributes):
    def resize(x, s):
        return onnx_resize(x, scales=(s, s), **attributes)
    return resize


def entries() -> list[Entry]:
    """The matrix's rows: each library's resize calls, one per mode it has."""
    spline = "order-3 B-spline, not Keys' cubic: measured against bicubic"
    gauss = "Gaussian prefilter, not a widened tent: measured against bilinear with antialias"
    rows = [
        Entry("PyTorch", "nearest", "nearest", "scale", _torch(mode="nearest")),
        Entry("PyTorch", "nearest-exact", "nearest-exact", "scale", _torch(mode="nearest-exact")),
        Entry("PyTorch", "bilinear", "bilinear", "scale", _torch(mode="bilinear")),
        Entry("PyTorch", "bilinear, corners", "bilinear, corners", "scale",
              _torch(mode="bilinear", align_corners=True)),
        Entry("PyTorch", "bilinear, antialias", "bilinear, antialias", "scale",
              _torch(mode="bilinear", antialias=True)),
        Entry("PyTorch", "bicubic", "bicubic", "scale", _torch(mode="bicubic")),
        Entry("PyTorch", "bicubic, antialias", "bicubic, antialias", "scale", _torch(mode="bicubic", antialias=True)),
        Entry("PyTorch", "area", "area", "scale", _torch(mode="area")),
        Entry("PyTorch", "lanczos, antialias", "lanczos, antialias", "scale", _torch(mode="lanczos", antialias=True)),
        Entry("Pillow", "NEAREST", "nearest-exact", "size", _pillow("NEAREST")),
        Entry("Pillow", "BILINEAR", "bilinear, antialias", "size", _pillow("BILINEAR")),
        Entry("Pillow", "BICUBIC", "bicubic, antialias", "size", _pillow("BICUBIC")),
        Entry("Pillow", "BOX", "area", "size", _pillow("BOX")),
        Entry("Pillow", "LANCZOS", "lanczos, antialias", "size", _pillow("LANCZOS")),
        Entry("OpenCV", "NEAREST", "nearest", "scale", _opencv("INTER_NEAREST")),
        Entry("OpenCV", "NEAREST_EXACT", "nearest-exact", "scale", _opencv("INTER_NEAREST_EXACT")),
        Entry("OpenCV", "LINEAR", "bilinear", "scale", _opencv("INTER_LINEAR")),
        Entry("OpenCV", "CUBIC", "bicubic", "scale", _opencv("INTER_CUBIC")),
        Entry("OpenCV", "AREA", "area", "scale", _opencv("INTER_AREA")),
        Entry("OpenCV", "LANCZOS4", None, "scale", _opencv("INTER_LANCZOS4"),
              "8-tap Lanczos, never widened: no book mode"),
        Entry("skimage", "order=0", "nearest-exact", "size", _skimage(0)),
        Entry("skimage", "order=1", "bilinear", "size", _skimage(1)),
        Entry("skimage", "order=1, anti_aliasing", "bilinear, antialias", "size", _skimage(1, True), gauss),
        Entry("skimage", "order=3", "bicubic", "size", _skimage(3), spline),
    ]
    for setting, family, attributes in _ONNX_ROWS:
        rows.append(Entry("ONNX", setting, family, "float32 scale", _onnx(**attributes)))
    return rows


_ONNX_ROWS = (
    ("nearest asym floor", "nearest",
     dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")),
    ("nearest half_pixel", "nearest-exact",
     dict(mode="nearest", coordinate_transformation_mode="half_pixel")),
    ("nearest half_pixel ceil", "nearest-exact",
     dict(mode="nearest", coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_ceil")),
    ("linear half_pixel", "bilinear", dict(mode="linear", coordinate_transformation_mode="half_pixel")),
    ("linear align_corners", "bilinear, corners",
     dict(mode="linear", coordinate_transformation_mode="align_corners")),
    ("linear aa", "bilinear, antialias", dict(mode="linear", antialias=1)),
    ("linear aa exclude", "bilinear, antialias", dict(mode="linear", antialias=1, exclude_outside=1)),
    ("cubic A=-0.75", "bicubic", dict(mode="cubic", cubic_coeff_a=-0.75)),
    ("cubic aa A=-0.5 exclude", "bicubic, antialias",
     dict(mode="cubic", cubic_coeff_a=-0.5, antialias=1, exclude_outside=1)),
)


# ------------------------------------------------------------------------------------------ the book's side

def book_available(family: str | None) -> bool:
    """Whether the book's ``interpolate`` has this mode (and its ``antialias`` argument, if it needs one)."""
    if family is None:
        return False
    kw = FAMILIES[family]
    if kw["mode"] not in getattr(_interp, "ALL_MODES", _interp.MODES):
        return False
    if "antialias" in kw:
        import inspect
        return "antialias" in inspect.signature(_interp.interpolate).parameters
    return True


def book_resize(x: np.ndarray, out_shape, scale: float | None, family: str) -> np.ndarray | None:
    """The book's resize of a 2D image to ``out_shape`` in the convention ``family``, computed in float64.

    ``scale`` is the factor coordinates are mapped with (``None``: the size ratio). Nearest and bilinear take any
    combination of size and scale (through :func:`updown.interpolation.source_coordinates` and
    :func:`updown.interpolation.linear_pass`); the other modes go through ``interpolate``, which takes either a size
    or a scale factor, or, for a pair it cannot take (OpenCV's rounded size with its given scale), through the
    teaching cores of chapter *Bicubic, area and antialiasing*. Returns ``None`` when the book lacks the mode.
    """
    if not book_available(family):
        return None
    kw = FAMILIES[family]
    x = np.asarray(x, dtype=np.float64)
    scales = (None, None) if scale is None else (scale, scale)
    if kw["mode"] in ("nearest", "nearest-exact"):
        rows, cols = (_interp._source_coordinates_core(o, n, s, kw["mode"])
                      for o, n, s in zip(out_shape, x.shape, scales))
        return x[np.ix_(rows, cols)]
    if kw["mode"] == "bilinear" and "antialias" not in kw:
        y = _interp.linear_pass(x, 1, out_shape[1], scales[1], kw["align_corners"])
        return _interp.linear_pass(y, 0, out_shape[0], scales[0], kw["align_corners"])
    if scale is None or kw.get("align_corners"):
        return _interp.interpolate(x[None, None], size=tuple(out_shape), **kw)[0, 0]
    if tuple(out_shape) == tuple(_floor_size(n, scale) for n in x.shape):
        return _interp.interpolate(x[None, None], scale_factor=scale, **kw)[0, 0]
    for axis in (1, 0):  # a size and a scale that interpolate cannot take together: the chapters' cores
        x = _core_pass(x, axis, out_shape[axis], scale, kw)
    return x


def _core_pass(x, axis, size, scale, kw):
    """One axis of a wide mode at a given size and scale, by the teaching cores (an axis that keeps its size is
    copied, as PyTorch's linear modes, OpenCV, Pillow and scikit-image do)."""
    n = x.shape[axis]
    if size == n:
        return x
    if kw["mode"] == "bicubic" and not kw.get("antialias"):
        return _interp._cubic_pass_core(x, axis, size, scale)
    if kw["mode"] == "area":
        w = _interp._area_weights_core(n, size)
    else:
        mode = kw["mode"]
        w = _interp._antialias_weights_core(n, size, _interp._KERNELS[mode], _interp.SUPPORT[mode], 1 / scale)
    return np.moveaxis(np.tensordot(w, np.moveaxis(x, axis, 0), axes=1), 0, axis)


# ---------------------------------------------------------------------------------------------- the matrix

@dataclass(frozen=True)
class Measurement:
    """One entry at one scale: the output shape, the maximum difference from the book (``None``: no book mode, inf:
    another shape), and whether every differing pixel lies on a nearest-mode tie (see :func:`tie_indices`)."""

    shape: tuple
    difference: float | None
    ties_only: bool = False


def tie_indices(n_in: int, n_out: int, scale: float | None, mode: str) -> set:
    """Output indices of one axis whose nearest-mode source position is an integer in exact decimal arithmetic.

    ``scale`` is the factor as written (``1.3`` is 13/10; ``None``: the size ratio ``n_out / n_in``). There the
    output pixel's sample sits exactly on a border between two input pixels, and rounding picks the pixel.
    """
    s = Fraction(n_out, n_in) if scale is None else Fraction(str(scale))
    offset = Fraction(1, 2) if mode == "nearest-exact" else Fraction(0)
    positions = ((i, (i + offset) / s) for i in range(n_out))
    return {i for i, u in positions if u.denominator == 1 and 0 < u < n_in}


def _compare(entry, x, out, s):
    scale = {"scale": s, "float32 scale": float(np.float32(s)), "size": None}[entry.by]
    ref = book_resize(x, out.shape, scale, entry.family)
    if ref is None:
        return Measurement(tuple(out.shape), None)
    if out.shape != ref.shape:
        return Measurement(tuple(out.shape), math.inf)
    diff = np.abs(out - ref)
    tol = TOLERANCE * float(x.max() - x.min())
    ties = False
    if diff.max() > tol and FAMILIES[entry.family]["mode"].startswith("nearest"):
        mode = FAMILIES[entry.family]["mode"]
        rows, cols = (tie_indices(n, m, scale, mode) for n, m in zip(x.shape, out.shape))
        r, c = np.nonzero(diff > tol)
        ties = all(i in rows or j in cols for i, j in zip(r.tolist(), c.tolist()))
    return Measurement(tuple(out.shape), float(diff.max()), ties)


def measure(x: np.ndarray, rows=None, scales=SCALES) -> dict:
    """Run every entry at every scale on the 2D image ``x`` (in float64; Pillow's in float32, the one precision
    its float images have): ``{(entry name, scale): Measurement}``."""
    x = np.asarray(x, dtype=np.float64)
    table = {}
    for entry in entries() if rows is None else rows:
        for s in scales:
            table[entry.name, s] = _compare(entry, x, np.asarray(entry.resize(x, s), dtype=np.float64), s)
    return table


def agrees(m: Measurement, value_range: float = 1.0) -> bool | None:
    """Whether a measurement agrees with the book: same shape, difference at most TOLERANCE times the range."""
    if m.difference is None:
        return None
    return m.difference <= TOLERANCE * value_range


def cell(m: Measurement, value_range: float = 1.0) -> str:
    """A matrix entry as printed: ``=`` (agrees), ``tie`` (differs only where rounding picks a pixel on a tie),
    ``<.01``, the difference to 0.01, ``shape`` (another output shape) or ``-`` (no book mode).

    Raises ``ValueError`` when the difference lies so close to a printing threshold that another CPU's rounding
    could print it differently (within 1e-5 of the value range of a rounding boundary, or within 1% of the
    tolerance: the matrix is computed in float64, where CPUs differ by about 1e-15).
    """
    if m.difference is None:
        return "-"
    if math.isinf(m.difference):
        return "shape"
    if m.ties_only:
        return "tie"
    d = m.difference / value_range
    if TOLERANCE / 1.01 <= d <= 1.01 * TOLERANCE:
        raise ValueError(f"difference {d:.3g} too close to the tolerance {TOLERANCE:g} to print the same on every CPU")
    if d < TOLERANCE:
        return "="
    boundary = min(abs(d - 0.005), abs(d * 100 - math.floor(d * 100) - 0.5) / 100)
    if boundary < 1e-5:
        raise ValueError(f"difference {d:.6f} within 1e-5 of a rounding boundary of its printout")
    return "<.01" if d < 0.005 else f"{d:.2f}"


# ------------------------------------------------------------------------------------- what reproduces it

def torch_candidates():
    """PyTorch calls a library's entry may match: ``(description, resize(x, s, out_shape))``."""
    out = []
    for family, kw in FAMILIES.items():
        args = ", ".join(f"{k}={v!r}" for k, v in kw.items() if k != "mode" and v is not False)
        mode = f'mode="{kw["mode"]}"' + (f", {args}" if args else "")

        def by_scale(x, s, shape, kw=kw):
            return F.interpolate(torch.from_numpy(x)[None, None], scale_factor=s, **kw)[0, 0].numpy()

        def by_size(x, s, shape, kw=kw):
            return F.interpolate(torch.from_numpy(x)[None, None], size=tuple(shape), **kw)[0, 0].numpy()
        out.append((f"scale_factor=s, {mode}", by_scale))
        out.append((f"size=out, {mode}", by_size))
    return out


def onnx_candidates():
    """ONNX ``Resize`` attribute sets, with a ``scales`` or a ``sizes`` input: ``(description, resize)``."""
    out = []
    for setting, _, attributes in _ONNX_ROWS:
        def by_scales(x, s, shape, attributes=attributes):
            return onnx_resize(x, scales=(s, s), **attributes)

        def by_sizes(x, s, shape, attributes=attributes):
            return onnx_resize(x, sizes=shape, **attributes)
        out.append((f"scales; {setting}", by_scales))
        out.append((f"sizes; {setting}", by_sizes))
    return out


def reproduce(x: np.ndarray, entry: Entry, candidates, scales=SCALES) -> tuple[str, tuple]:
    """The candidate that gives the entry's output (same shape, within the tolerance) at the most scales.

    Returns ``(description, scales where it does not)``; ``("none", scales)`` when no candidate agrees at more
    than half of them. Computed in float64, as :func:`measure`.
    """
    x = np.asarray(x, dtype=np.float64)
    tol = TOLERANCE * float(x.max() - x.min())
    outputs = [(s, np.asarray(entry.resize(x, s), dtype=np.float64)) for s in scales]
    best = ("none", tuple(scales))
    for description, resize in candidates:
        failed = []
        for s, out in outputs:
            try:
                theirs = np.asarray(resize(x, s, out.shape), dtype=np.float64)
            except (ValueError, RuntimeError, NotImplementedError):  # a call the candidate does not accept
                theirs = None
            if theirs is None or theirs.shape != out.shape or np.abs(theirs - out).max() > tol:
                failed.append(s)
        if not failed:
            return description, ()
        if len(failed) < len(best[1]) and len(failed) < len(scales) / 2:
            best = (description, tuple(failed))
    return best


# ----------------------------------------------------------------------------- the coordinate conventions

def coordinate_formulas():
    """ONNX's ``coordinate_transformation_mode`` values as functions ``(x_dst, n_in, n_out, scale) -> x_src``.

    ``scale`` is ``n_out / n_in`` when the resize is given sizes. Before clamping, in index coordinates.
    """
    return {
        "half_pixel": lambda i, n, m, s: (i + 0.5) / s - 0.5,
        "pytorch_half_pixel": lambda i, n, m, s: (i + 0.5) / s - 0.5 if m > 1 else 0 * i,
        "align_corners": lambda i, n, m, s: i * (n - 1) / (m - 1) if m > 1 else 0 * i,
        "asymmetric": lambda i, n, m, s: i / s,
        "tf_half_pixel_for_nn": lambda i, n, m, s: (i + 0.5) / s,
        "half_pixel_symmetric": lambda i, n, m, s: n / 2 * (1 - m / (n * s)) + (i + 0.5) / s - 0.5,
    }


def onnx_coordinates(mode: str, n_in: int, n_out: int) -> np.ndarray:
    """The source coordinates ONNX's reference ``Resize`` (linear, given sizes) reads, off a ramp (clamped)."""
    ramp = np.tile(np.arange(n_in, dtype=np.float64), (2, 1))
    return onnx_resize(ramp, sizes=(2, n_out), mode="linear", coordinate_transformation_mode=mode)[0]


# ------------------------------------------------------------------------------------------------ printouts

def scale_label(s: float) -> str:
    """``x2``, ``x1/2``, ``x1/8``, ``x1.3``, ``x0.9999``."""
    f = Fraction(s).limit_denominator(16)
    return f"x{f}" if s < 1 and float(f) == s else f"x{s:g}"


def matrix_lines(table: dict, rows=None, scales=SCALES) -> list[str]:
    """The full matrix as text: one line per entry, ``shape verdict`` per scale (within 88 characters)."""
    rows = entries() if rows is None else rows
    head = f"{'library, setting':31s}" + "".join(f"{scale_label(s):>11s}" for s in scales)
    lines = [head]
    for e in rows:
        cells = "".join(f"{table[e.name, s].shape[0]:>5d} {cell(table[e.name, s]):>5s}" for s in scales)
        lines.append(f"{e.library:8s}{e.setting:23s}" + cells)
    return lines


def summary_lines(table: dict, rows=None, scales=SCALES) -> list[str]:
    """Per book mode and library: at how many scales the library's best entry agrees (``t``: or only at ties)."""
    rows = entries() if rows is None else rows
    libraries = list(dict.fromkeys(e.library for e in rows))
    lines = [f"{'book mode':22s}" + "".join(f"{lib:>9s}" for lib in libraries)]
    for family in FAMILIES:
        cells = []
        for lib in libraries:
            scores = []
            for e in (e for e in rows if e.library == lib and e.family == family):
                ms = [table[e.name, s] for s in scales]
                same = sum(bool(agrees(m)) for m in ms)
                scores.append((same + sum(m.ties_only for m in ms), -sum(m.ties_only for m in ms), same))
            if not scores:
                cells.append("-")
                continue
            total, ties, _ = max(scores)
            cells.append(f"{total}/{len(scales)}" + ("t" if ties else ""))
        lines.append(f"{family:22s}" + "".join(f"{c:>9s}" for c in cells))
    return lines


def default_calls():
    """Each library's resize called with its defaults but the output size: ``{name: resize(x, size)}``."""
    import cv2
    from PIL import Image
    from skimage.transform import resize as sk_resize

    def torch_default(x, size):
        return F.interpolate(torch.from_numpy(x)[None, None], size=size)[0, 0].numpy()

    def pillow_default(x, size):
        return np.asarray(Image.fromarray(x.astype(np.float32)).resize(size[::-1]), dtype=np.float64)

    def opencv_default(x, size):
        return cv2.resize(x, size[::-1])

    def skimage_default(x, size):
        return sk_resize(x, size)

    def onnx_default(x, size):
        return onnx_resize(x, sizes=size)
    return {"PyTorch F.interpolate": torch_default, "Pillow Image.resize": pillow_default,
            "OpenCV cv2.resize": opencv_default, "skimage resize": skimage_default, "ONNX Resize": onnx_default}
