"""The exercise checks of chapters 6 and 7 pass on the solutions and fail on plausible wrong answers and on stubs."""
import numpy as np
import pytest

from updown.exercises import transposed as E
from updown.exercises._common import ExerciseFailed


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise")


# ------------------------------------------------------------------------------------------- solutions

def sizes_by_hand():
    return 7, (13, 14), 1


def transposed_output_size(size, kernel_size, stride, padding, output_padding, dilation):
    return (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1


def scatter_transposed_1d(y, weight, stride, padding):
    k = len(weight)
    out = np.zeros((len(y) - 1) * stride + k)
    for i, v in enumerate(y):
        out[i * stride:i * stride + k] += v * weight
    return out[padding:len(out) - padding]


def overlap_by_hand():
    return (2, 3), (4, 6, 9)


def overlap_counts(length, kernel_size, stride):
    counts = np.zeros((length - 1) * stride + kernel_size, dtype=int)
    for i in range(length):
        counts[i * stride:i * stride + kernel_size] += 1
    return counts


def even_kernel_sizes(stride, max_kernel):
    return tuple(k for k in range(1, max_kernel + 1) if k % stride == 0)


# ------------------------------------------------------------------------------------------- wrong answers

def size_forgets_dilation(size, kernel_size, stride, padding, output_padding, dilation):
    return (size - 1) * stride - 2 * padding + (kernel_size - 1) + output_padding + 1


def size_single_padding(size, kernel_size, stride, padding, output_padding, dilation):
    return (size - 1) * stride - padding + dilation * (kernel_size - 1) + output_padding + 1


def size_off_by_one(size, kernel_size, stride, padding, output_padding, dilation):
    return size * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding


def scatter_flipped(y, weight, stride, padding):
    return scatter_transposed_1d(y, weight[::-1], stride, padding)


def scatter_no_crop(y, weight, stride, padding):
    return scatter_transposed_1d(y, weight, stride, 0)


def scatter_crop_once(y, weight, stride, padding):
    k = len(weight)
    out = np.zeros((len(y) - 1) * stride + k)
    for i, v in enumerate(y):
        out[i * stride:i * stride + k] += v * weight
    return out[padding:]


def overlap_off_by_one(length, kernel_size, stride):
    return overlap_counts(length, kernel_size, stride)[:-1]


def overlap_as_gather(length, kernel_size, stride):
    return np.full((length - 1) * stride + kernel_size, -(-kernel_size // stride))


def even_all_beyond_stride(stride, max_kernel):
    return tuple(range(stride, max_kernel + 1))


@pytest.mark.parametrize("check, good, bad", [
    (E.check_sizes_by_hand, sizes_by_hand, [lambda: (7, (13,), 1), lambda: (7, (13, 14), 0),
                                            lambda: (6, (12, 13), 1), lambda: (7, (12, 13, 14), 1)]),
    (E.check_transposed_output_size, transposed_output_size,
     [size_forgets_dilation, size_single_padding, size_off_by_one]),
    (E.check_scatter_transposed_1d, scatter_transposed_1d, [scatter_flipped, scatter_no_crop, scatter_crop_once]),
    (E.check_overlap_by_hand, overlap_by_hand, [lambda: ((1, 2), (1, 2, 4)), lambda: ((2, 3), (4, 9)),
                                                lambda: ((2, 3), (2, 3))]),
    (E.check_overlap_counts, overlap_counts, [overlap_off_by_one, overlap_as_gather]),
    (E.check_even_kernel_sizes, even_kernel_sizes, [even_all_beyond_stride, lambda s, m: tuple(range(1, m + 1))]),
])
def test_check(check, good, bad, capsys):
    assert "passed" in check(good)
    assert "passed" in capsys.readouterr().out
    for wrong in bad:
        with pytest.raises(ExerciseFailed, match=rf"Exercise ({E.CHAPTER}|{E.CHECKERBOARD_CHAPTER})\.[1-4]"):
            check(wrong)
    with pytest.raises(ExerciseFailed, match="not done yet"):
        check(stub)


def test_checks_are_exported():
    import updown.exercises as ex
    for name in E.__all__:
        assert getattr(ex, name) is getattr(E, name)


def test_uncovered_pixels_check():
    from updown.exercises import check_uncovered_pixels

    def solution(length, kernel_size, stride):
        return (length - 1) * max(stride - kernel_size, 0)

    assert "passed" in check_uncovered_pixels(solution)
    wrong_answers = [
        lambda n, k, s: n * max(s - k, 0),              # counts a gap after the last stamp too
        lambda n, k, s: (n - 1) * (s - k),              # negative when the stamps overlap
        lambda n, k, s: (n - 1) * max(s - k + 1, 0),    # off by one in the gap width
    ]
    for wrong in wrong_answers:
        with pytest.raises(ExerciseFailed, match=rf"Exercise {E.CHAPTER}\.4"):
            check_uncovered_pixels(wrong)

    def stub(length, kernel_size, stride):
        raise NotImplementedError("Exercise 6.4")

    with pytest.raises(ExerciseFailed, match="not done yet"):
        check_uncovered_pixels(stub)
