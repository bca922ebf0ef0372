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
    size = in_size * scale
    return int(size) if library in ("PyTorch", "ONNX") else int(round(size))


def test_output_size():
    assert "passed" in check_output_size(output_size)
    for wrong in (lambda library, n, s: int(n * s),                 # floors everywhere
                  lambda library, n, s: round(n * s),               # rounds everywhere
                  lambda library, n, s: int(n * s) if library == "PyTorch" else round(n * s),  # ONNX rounds
                  _stub):
        with pytest.raises(ExerciseFailed, match="Exercise 5.5"):
            check_output_size(wrong)
