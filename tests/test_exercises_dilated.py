"""The exercise checks of the dilated chapter pass on the solutions and fail on wrong answers and on stubs."""
import numpy as np
import pytest

from updown.exercises import dilated as E
from updown.exercises._common import ExerciseFailed


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise")


# ------------------------------------------------------------------------------------------- solutions

def dilated_by_hand():
    # fields 3, 4, 4 + 2*2*2 = 12, 12 + 4*2*2 = 28; stride 2
    return 28, 2


def dilate_kernel(weight, d):
    kh, kw = weight.shape
    out = np.zeros((d * (kh - 1) + 1, d * (kw - 1) + 1))
    out[::d, ::d] = weight
    return out


def hybrid_rates():
    return 1, 2, 3


# ------------------------------------------------------------------------------------------- wrong answers

def by_hand_no_jump():                       # forgets that the pooling spreads the later taps
    return 16, 2


def by_hand_stride_product_of_dilations():
    return 28, 16


def dilate_kernel_wrong_size(weight, d):     # d zeros between taps instead of d - 1
    kh, kw = weight.shape
    out = np.zeros((d * kh, d * kw))
    out[::d, ::d] = weight
    return out


def dilate_kernel_flipped(weight, d):
    return dilate_kernel(weight[::-1, ::-1], d)


def dilate_kernel_in_place(weight, d):
    out = dilate_kernel(weight, d)
    weight[...] = 0
    return out


def hybrid_equal():
    return 2, 2, 2


def hybrid_holes():
    return 2, 4, 8


def hybrid_too_small():
    return 1, 1, 2


def hybrid_not_ints():
    return 1.0, 2.0, 3.0


@pytest.mark.parametrize("check, answer", [
    (E.check_dilated_by_hand, dilated_by_hand),
    (E.check_dilate_kernel, dilate_kernel),
    (E.check_hybrid_rates, hybrid_rates),
])
def test_solutions_pass(check, answer, capsys):
    verdict = check(answer)
    assert "passed" in verdict and verdict in capsys.readouterr().out


@pytest.mark.parametrize("check, answer, message", [
    (E.check_dilated_by_hand, by_hand_no_jump, rf"Exercise {E.CHAPTER}\.1: .*field.* too small"),
    (E.check_dilated_by_hand, by_hand_stride_product_of_dilations, rf"Exercise {E.CHAPTER}\.1: .*stride.* too large"),
    (E.check_dilate_kernel, dilate_kernel_wrong_size, rf"Exercise {E.CHAPTER}\.2: "),
    (E.check_dilate_kernel, dilate_kernel_flipped, rf"Exercise {E.CHAPTER}\.2: "),
    (E.check_dilate_kernel, dilate_kernel_in_place, rf"Exercise {E.CHAPTER}\.2: the function changed its input weight"),
    (E.check_hybrid_rates, hybrid_equal, rf"Exercise {E.CHAPTER}\.3: the rates must not all be equal"),
    (E.check_hybrid_rates, hybrid_holes, rf"Exercise {E.CHAPTER}\.3: the footprint of \(2, 4, 8\) has \d+ holes"),
    (E.check_hybrid_rates, hybrid_too_small, rf"Exercise {E.CHAPTER}\.3: the receptive field of \(1, 1, 2\) is 9 pixels"),
    (E.check_hybrid_rates, hybrid_not_ints, rf"Exercise {E.CHAPTER}\.3: return a tuple of three ints >= 1"),
])
def test_wrong_answers_fail(check, answer, message):
    with pytest.raises(ExerciseFailed, match=message):
        check(answer)


@pytest.mark.parametrize("check", [E.check_dilated_by_hand, E.check_dilate_kernel, E.check_hybrid_rates])
def test_stubs_say_not_done(check):
    with pytest.raises(ExerciseFailed, match="not done yet"):
        check(stub)


def test_by_hand_answer_follows_the_stack():
    from updown.pooling import receptive_field
    ks, ss, ds = (list(c) for c in zip(*E.BY_HAND_STACK))
    assert receptive_field(ks, ss, ds, output_stride=True) == ((3, 4, 12, 28), (1, 2, 2, 2))
