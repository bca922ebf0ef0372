"""The checks of chapter 5's exercises pass the solutions and reject plausible wrong answers."""
import numpy as np
import pytest

from updown.exercises import (check_common_samples, check_decoder_shift, check_nearest_by_hand,
                              check_output_size, check_source_coordinate)
from updown.exercises._common import ExerciseFailed


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise 5.x")


def source_coordinate(dst, in_size, out_size, align_corners):
    dst = np.asarray(dst, dtype=float)
    if align_corners:
        return dst * (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0 * dst
    return (dst + 0.5) * in_size / out_size - 0.5


def common_samples(in_size, out_size):
    d = np.arange(out_size)
    a = source_coordinate(d, in_size, out_size, False)
    b = source_coordinate(d, in_size, out_size, True)
    return tuple(int(k) for k in d[np.isclose(a, b, rtol=0, atol=1e-9)])


def test_nearest_by_hand():
    assert "passed" in check_nearest_by_hand(lambda: ((0, 0, 1, 1, 2), (0, 0, 1, 2, 2)))
    for wrong in (lambda: ((0, 0, 1, 2, 2), (0, 0, 1, 1, 2)),   # the two modes swapped
                  lambda: ((0, 1, 1, 2, 2), (0, 0, 1, 2, 2)),   # rounding instead of floor
                  lambda: ((0, 0, 1, 1, 2),), _stub):
        with pytest.raises(ExerciseFailed, match="Exercise 5.1"):
            check_nearest_by_hand(wrong)


def test_source_coordinate():
    assert "passed" in check_source_coordinate(source_coordinate)

    def off_by_half(dst, in_size, out_size, align_corners):
        if align_corners:
            return source_coordinate(dst, in_size, out_size, True)
        return np.asarray(dst, dtype=float) * in_size / out_size

    def size_ratio_for_corners(dst, in_size, out_size, align_corners):
        if align_corners:
            return np.asarray(dst, dtype=float) * in_size / out_size
        return source_coordinate(dst, in_size, out_size, False)

    def clamped(dst, in_size, out_size, align_corners):
        return np.clip(source_coordinate(dst, in_size, out_size, align_corners), 0, in_size - 1)

    def divides_by_zero(dst, in_size, out_size, align_corners):
        if align_corners:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.asarray(dst, dtype=float) * (in_size - 1) / np.float64(out_size - 1)
        return source_coordinate(dst, in_size, out_size, False)

    for wrong in (off_by_half, size_ratio_for_corners, clamped, divides_by_zero, _stub):
        with pytest.raises(ExerciseFailed, match="Exercise 5.2"):
            check_source_coordinate(wrong)


def test_common_samples():
    assert "passed" in check_common_samples(common_samples)

    def centre_always(in_size, out_size):
        return ((out_size - 1) // 2,)

    def odd_centre_only(in_size, out_size):
        return ((out_size - 1) // 2,) if out_size % 2 else ()

    for wrong in (centre_always, odd_centre_only, _stub):
        with pytest.raises(ExerciseFailed, match="Exercise 5.3"):
            check_common_samples(wrong)


def test_decoder_shift():
    assert "passed" in check_decoder_shift(lambda factor: (factor - 1) / 2)
    for wrong in (lambda factor: factor / 2, lambda factor: -(factor - 1) / 2, lambda factor: 0.5, _stub):
        with pytest.raises(ExerciseFailed, match="Exercise 5.4"):
            check_decoder_shift(wrong)


def output_size(library, in_size, scale):
    if library == "ONNX":                      # its scales input is float32
        return int(in_size * float(np.float32(scale)))
    size = in_size * scale
    return int(size) if library == "PyTorch" else int(round(size))


def test_output_size():
    assert "passed" in check_output_size(output_size)
    for wrong in (lambda library, n, s: int(n * s),                 # floors everywhere
                  lambda library, n, s: round(n * s),               # rounds everywhere
                  lambda library, n, s: int(n * s) if library == "PyTorch" else round(n * s),  # ONNX rounds
                  lambda library, n, s: int(n * s) if library in ("PyTorch", "ONNX") else round(n * s),
                  _stub):
        with pytest.raises(ExerciseFailed, match="Exercise 5.5"):
            check_output_size(wrong)


_SIZE_CASES = [(32, 0.9999), (32, 1.8), (32, 0.1234), (7, 1.3), (100, 0.45), (17, 2.0), (5, 0.77), (88, 120 / 88)]


def _measured_length(library, n, s):
    """The output length each library's own call gives, measured (not a rule)."""
    if library == "PyTorch":
        import torch
        import torch.nn.functional as F
        return F.interpolate(torch.zeros(1, 1, n), scale_factor=s).shape[-1]
    if library == "OpenCV":
        import cv2
        return cv2.resize(np.zeros((2, n), np.float32), None, fx=s, fy=1.0).shape[1]
    if library == "Pillow":
        from PIL import Image, ImageOps
        return ImageOps.scale(Image.new("F", (n, n)), s).size[0]
    if library == "skimage":
        from skimage.transform import rescale
        return rescale(np.zeros((n, n)), s).shape[0]
    from updown import crosslib
    return crosslib.onnx_resize(np.zeros((2, n)), scales=(1.0, s), mode="nearest").shape[1]


@pytest.mark.parametrize("library", ["PyTorch", "ONNX", "OpenCV", "Pillow", "skimage"])
def test_output_size_rules_match_the_libraries(library):
    """The check's hidden answers are what the libraries return, at every hidden case."""
    pytest.importorskip({"OpenCV": "cv2", "skimage": "skimage", "ONNX": "onnx"}.get(library, "PIL"))
    from updown.exercises import conventions
    rule = conventions._SIZE_RULES[library]
    for n, s in _SIZE_CASES:
        assert _measured_length(library, n, s) == int(rule(n, s)), (library, n, s)
