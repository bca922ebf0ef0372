"""The exercise checks of the sub-pixel chapter pass on the solutions and fail on wrong answers and on stubs."""
import numpy as np
import pytest

from updown.exercises import subpixel as E
from updown.exercises._common import ExerciseFailed


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise")


# ------------------------------------------------------------------------------------------- solutions

def subpixel_by_hand():
    return (12, 4, 3, 3), (1, 3, 4)


def pixel_unshuffle(x, r):
    c, hr, wr = x.shape
    return x.reshape(c, hr // r, r, wr // r, r).transpose(0, 2, 4, 1, 3).reshape(c * r * r, hr // r, wr // r)


def phase_sums(weight, stride):
    return np.array([[weight[a::stride, b::stride].sum() for b in range(stride)] for a in range(stride)])


def equalise_phase_sums(weight, stride):
    out = weight.astype(float)
    target = weight.sum() / stride**2
    for a in range(stride):
        for b in range(stride):
            out[a::stride, b::stride] -= (out[a::stride, b::stride].sum() - target) / out[a::stride, b::stride].size
    return out


# ------------------------------------------------------------------------------------------- wrong answers

def by_hand_k_floor():
    return (12, 4, 2, 2), (1, 3, 4)


def by_hand_swapped():
    return (12, 4, 3, 3), (1, 4, 3)


def unshuffle_wrong_order(x, r):           # channels ordered (j, i) instead of (i, j)
    c, hr, wr = x.shape
    return x.reshape(c, hr // r, r, wr // r, r).transpose(0, 4, 2, 1, 3).reshape(c * r * r, hr // r, wr // r)


def unshuffle_plain_reshape(x, r):
    c, hr, wr = x.shape
    return x.reshape(c * r * r, hr // r, wr // r)


def phase_sums_transposed(weight, stride):
    return phase_sums(weight, stride).T


def phase_sums_of_counts(weight, stride):
    return phase_sums(np.ones_like(weight), stride)


def equalise_to_zero(weight, stride):
    out = weight.astype(float)
    for a in range(stride):
        for b in range(stride):
            out[a::stride, b::stride] -= out[a::stride, b::stride].mean()
    return out


def equalise_in_place(weight, stride):
    target = weight.sum() / stride**2
    for a in range(stride):
        for b in range(stride):
            weight[a::stride, b::stride] -= (weight[a::stride, b::stride].sum() - target) / \
                weight[a::stride, b::stride].size
    return weight.copy()


def equalise_first_tap(weight, stride):      # equal sums, but not the closest kernel
    out = weight.astype(float)
    target = weight.sum() / stride**2
    for a in range(stride):
        for b in range(stride):
            out[a, b] -= out[a::stride, b::stride].sum() - target
    return out


# ------------------------------------------------------------------------------------------------ tests

@pytest.mark.parametrize("check, solution", [
    (E.check_subpixel_by_hand, subpixel_by_hand),
    (E.check_pixel_unshuffle, pixel_unshuffle),
    (E.check_phase_sums, phase_sums),
    (E.check_equalise_phase_sums, equalise_phase_sums),
])
def test_solutions_pass(check, solution, capsys):
    assert "passed" in check(solution)
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("check, wrong", [
    (E.check_subpixel_by_hand, by_hand_k_floor),
    (E.check_subpixel_by_hand, by_hand_swapped),
    (E.check_pixel_unshuffle, unshuffle_wrong_order),
    (E.check_pixel_unshuffle, unshuffle_plain_reshape),
    (E.check_phase_sums, phase_sums_transposed),
    (E.check_phase_sums, phase_sums_of_counts),
    (E.check_equalise_phase_sums, equalise_to_zero),
    (E.check_equalise_phase_sums, equalise_in_place),
    (E.check_equalise_phase_sums, equalise_first_tap),
])
def test_wrong_answers_fail(check, wrong):
    with pytest.raises(ExerciseFailed):
        check(wrong)


@pytest.mark.parametrize("check", [E.check_subpixel_by_hand, E.check_pixel_unshuffle, E.check_phase_sums,
                                   E.check_equalise_phase_sums])
def test_stubs_say_not_done(check):
    with pytest.raises(ExerciseFailed, match="not done yet"):
        check(stub)


def test_checks_are_exported():
    import updown.exercises as X

    for name in E.__all__:
        assert getattr(X, name) is getattr(E, name)


@pytest.mark.parametrize("check, wrong", [
    (E.check_subpixel_by_hand, by_hand_k_floor),
    (E.check_pixel_unshuffle, unshuffle_wrong_order),
    (E.check_phase_sums, phase_sums_transposed),
    (E.check_equalise_phase_sums, equalise_to_zero),
    (E.check_equalise_phase_sums, equalise_in_place),
])
def test_failures_name_the_exercise_by_chapter_number(check, wrong):
    with pytest.raises(ExerciseFailed, match=rf"^Exercise {E.CHAPTER}\.\d: "):
        check(wrong)


@pytest.mark.parametrize("wrong, entry, how", [
    (by_hand_k_floor, r"shape\[2\]", "too small"),
    (by_hand_swapped, r"position\[1\]", "too large"),
    (lambda: ((12, 4, 3, 3), (1, 3, 5)), r"position\[2\]", "too large"),
    (lambda: ((12, 4, 3, 3),), None, "return a tuple of 2"),
])
def test_by_hand_says_which_entry_and_how_without_the_answer(wrong, entry, how):
    with pytest.raises(ExerciseFailed) as info:
        E.check_subpixel_by_hand(wrong)
    message = str(info.value)
    assert how in message and (entry is None or __import__("re").search(entry, message))
    assert "(12, 4, 3, 3)" not in message and "(1, 3, 4)" not in message
