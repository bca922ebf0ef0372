"""The exercise checks of the decoders chapter pass on the solutions and fail on wrong answers and on stubs."""
import numpy as np
import pytest
import torch

from updown import decoders as DEC
from updown.exercises import case_input
from updown.exercises import decoders as E
from updown.exercises._common import ExerciseFailed


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise")


# ------------------------------------------------------------------------------------------- solutions

def center_crop(x, size):
    h, w = size
    top, left = (x.shape[-2] - h) // 2, (x.shape[-1] - w) // 2
    return x[..., top:top + h, left:left + w]


def carafe_parameters(channels, scale_factor, kernel_size, encoder_size, compressed):
    out = scale_factor ** 2 * kernel_size ** 2
    compressor = channels * compressed + compressed
    encoder = compressed * out * encoder_size ** 2 + out
    return compressor + encoder


def stage_shapes(h, w):
    shapes = []
    for _ in range(5):
        h, w = -(-h // 2), -(-w // 2)
        shapes.append((h, w))
    return shapes


# ------------------------------------------------------------------------------------------- wrong answers

def crop_margin_at_start(x, size):           # all the margin at the top/left: the bottom-right part
    h, w = size
    return x[..., x.shape[-2] - h:, x.shape[-1] - w:]


def crop_margin_at_end(x, size):             # all the margin at the bottom/right: the top-left part
    h, w = size
    return x[..., :h, :w]


def crop_odd_pixel_at_start(x, size):        # the odd pixel at the top/left (margins rounded up)
    h, w = size
    top, left = -(-(x.shape[-2] - h) // 2), -(-(x.shape[-1] - w) // 2)
    return x[..., top:top + h, left:left + w]


def crop_rows_only(x, size):                 # crops the rows right, forgets the columns' margin
    h, w = size
    top = (x.shape[-2] - h) // 2
    return x[..., top:top + h, :w]


def crop_transposed_size(x, size):
    return center_crop(x, size[::-1])


def crop_in_place(x, size):
    out = center_crop(x, size).copy()
    x[...] = 0
    return out


def crop_only_2d(x, size):                   # ignores the leading axes
    h, w = size
    top, left = (x.shape[0] - h) // 2, (x.shape[1] - w) // 2
    return x[top:top + h, left:left + w]


def carafe_no_biases(channels, scale_factor, kernel_size, encoder_size, compressed):
    out = scale_factor ** 2 * kernel_size ** 2
    return channels * compressed + compressed * out * encoder_size ** 2


def carafe_no_scale(channels, scale_factor, kernel_size, encoder_size, compressed):
    return carafe_parameters(channels, 1, kernel_size, encoder_size, compressed)


def carafe_no_compressor(channels, scale_factor, kernel_size, encoder_size, compressed):
    out = scale_factor ** 2 * kernel_size ** 2
    return compressed * out * encoder_size ** 2 + out


def stages_floor(h, w):
    shapes = []
    for _ in range(5):
        h, w = h // 2, w // 2
        shapes.append((h, w))
    return shapes


def stages_four(h, w):
    return stage_shapes(h, w)[:4]


def stages_before_pooling(h, w):             # the conv{i} sizes instead of pool{i}
    return [(h, w)] + stage_shapes(h, w)[:4]


def stages_swapped(h, w):
    return [(b, a) for a, b in stage_shapes(h, w)]


# ------------------------------------------------------------------------------------------- tests

@pytest.mark.parametrize("check, answer", [
    (E.check_center_crop, center_crop),
    (E.check_carafe_parameters, carafe_parameters),
    (E.check_stage_shapes, stage_shapes),
])
def test_solutions_pass(check, answer, capsys):
    verdict = check(answer)
    assert "passed" in verdict and verdict in capsys.readouterr().out


def test_the_library_crop_and_a_float_copy_pass_too():
    assert "passed" in E.check_center_crop(DEC.center_crop)
    assert "passed" in E.check_center_crop(lambda x, size: center_crop(x, size).astype(float).copy())


@pytest.mark.parametrize("check, answer, message", [
    (E.check_center_crop, crop_margin_at_start,
     rf"^Exercise {E.CHAPTER}\.1: .*\n  the crop is off by 1 row down and 1 column right: "
     r"your part starts at row 2, column 2, the centre part at row 1, column 1"),
    (E.check_center_crop, crop_margin_at_end,
     rf"^Exercise {E.CHAPTER}\.1: .*\n  the crop is off by 1 row up and 1 column left: "
     r"your part starts at row 0, column 0"),
    (E.check_center_crop, crop_odd_pixel_at_start,
     rf"^Exercise {E.CHAPTER}\.1: crop_odd_pixel_at_start\(x, \(3, 4\)\) .*\n"
     r"  the crop is off by 1 row down and 1 column right: your part starts at row 2, column 2, "
     r"the centre part at row 1, column 1 \(margins of 3 rows and 3 columns"),
    (E.check_center_crop, crop_rows_only,
     rf"^Exercise {E.CHAPTER}\.1: .*\n  the crop is off by 1 column left: your part starts at row 1, "
     r"column 0"),
    (E.check_center_crop, crop_transposed_size, rf"^Exercise {E.CHAPTER}\.1: .* shape \(4, 3\); expected "
                                                r"shape \(3, 4\)\n"),
    (E.check_center_crop, crop_in_place, rf"^Exercise {E.CHAPTER}\.1: the function changed its input x"),
    (E.check_center_crop, crop_only_2d, rf"^Exercise {E.CHAPTER}\.1: crop_only_2d\(x, \(4, 5\)\) returned "),
    (E.check_carafe_parameters, carafe_no_biases,
     rf"^Exercise {E.CHAPTER}\.2: carafe_no_biases\(64, 2, 5, 3, 64\) returned \d+, expected \d+ \(too small\): "
     r"the biases are missing"),
    (E.check_carafe_parameters, carafe_no_scale,
     rf"^Exercise {E.CHAPTER}\.2: carafe_no_scale\(64, 2, 5, 3, 64\) returned \d+, expected \d+ \(too small\): "
     r"the content encoder must predict s\^2 k\^2 channels"),
    (E.check_carafe_parameters, carafe_no_compressor,
     rf"^Exercise {E.CHAPTER}\.2: carafe_no_compressor\(64, 2, 5, 3, 64\) returned \d+, expected \d+ "
     r"\(too small\)$"),
    (E.check_stage_shapes, stages_floor,
     rf"^Exercise {E.CHAPTER}\.3: stages_floor\(1, 1\) returned .*: the poolings round up \(ceil_mode=True\), "
     r"so an odd size n becomes \(n \+ 1\) // 2, not n // 2$"),
    (E.check_stage_shapes, stages_four, rf"^Exercise {E.CHAPTER}\.3: stages_four\(1, 1\) returned 4 values; "
                                        r"expected 5$"),
    (E.check_stage_shapes, stages_before_pooling, rf"^Exercise {E.CHAPTER}\.3: stages_before_pooling\(2, 3\) "),
    (E.check_stage_shapes, stages_swapped, rf"^Exercise {E.CHAPTER}\.3: stages_swapped\(2, 3\) returned a "
                                           r"tuple whose entry 0 is \(2, 1\), expected \(1, 2\)$"),
])
def test_wrong_answers_fail(check, answer, message):
    with pytest.raises(ExerciseFailed, match=message):
        check(answer)


def test_the_floor_hint_is_not_given_where_floor_and_ceil_agree():
    def off_by_one_on_97x75(h, w):     # wrong only on 97x75, and not by flooring
        return [(a, b + 1) for a, b in stage_shapes(h, w)] if (h, w) == (97, 75) else stage_shapes(h, w)

    with pytest.raises(ExerciseFailed) as info:
        E.check_stage_shapes(off_by_one_on_97x75)
    assert "97, 75" in str(info.value) and "round up" not in str(info.value)


@pytest.mark.parametrize("check", [E.check_center_crop, E.check_carafe_parameters, E.check_stage_shapes])
def test_stubs_say_not_done(check):
    with pytest.raises(ExerciseFailed, match=rf"^Exercise {E.CHAPTER}\.\d: not done yet"):
        check(stub)


def test_the_checks_leave_their_inputs_and_the_global_generator_alone():
    state = torch.random.get_rng_state()
    for check, answer in ((E.check_center_crop, center_crop), (E.check_carafe_parameters, carafe_parameters),
                          (E.check_stage_shapes, stage_shapes)):
        check(answer)
    assert torch.equal(torch.random.get_rng_state(), state)
    x, size = case_input(E.check_center_crop, 2)
    rebuilt = np.arange(x.size).reshape(x.shape)
    assert np.array_equal(x, rebuilt) and size == (3, 4)


def test_the_crop_cases_cover_what_the_exercise_names():
    shapes = [(args[0].shape, args[1]) for args, _, _ in E._crop_cases()]
    assert {len(s) for s, _ in shapes} == {2, 3, 4}
    margins = [(s[-2] - h, s[-1] - w) for s, (h, w) in shapes]
    assert any(m % 2 for pair in margins for m in pair) and any(m and m % 2 == 0 for pair in margins for m in pair)
    assert (0, 0) in margins
    _, crops, _ = DEC.original_unet_sizes(572)
    assert crops[0] == (64, 56, 4)                     # the paper's 64 -> 56
    for skip, up, margin in crops:
        assert ((1, 2 if skip < 200 else 1, skip, skip), (up, up)) in shapes
        x = np.arange(skip * skip).reshape(skip, skip)
        assert DEC.center_crop(x, (up, up))[0, 0] == x[margin, margin]   # the library's offset is the paper's


def test_the_expected_carafe_counts_are_those_of_the_built_modules():
    for setting in E.CARAFE_SETTINGS:
        module = DEC.CARAFE(*setting)
        assert E._carafe_counts(setting)["expected"] == DEC.count_parameters(module)
        assert DEC.count_parameters(module) == carafe_parameters(*setting)
    assert E.CARAFE_SETTINGS[0] == (64, 2, 5, 3, 64)   # the paper's settings


def test_the_backbone_shapes_follow_the_ceil_formula_and_each_stage_pools():
    measured = E.backbone_shapes()
    assert [list(m) for m in measured] == [stage_shapes(h, w) for h, w in E.STAGE_SIZES]
    assert any(m != tuple(stages_floor(h, w)) for m, (h, w) in zip(measured, E.STAGE_SIZES))
    unet = DEC.build("U-Net").eval()                   # every family's encoder gives the same sizes
    with torch.no_grad():
        for (h, w), shapes in zip(E.STAGE_SIZES, measured):
            maps = unet.encode(torch.zeros(1, 3, h, w))
            assert tuple(tuple(maps[f"pool{i}"].shape[-2:]) for i in range(1, 6)) == shapes
    for stage in DEC.build("FCN-8s").stages:           # why: 2x2 stride-2 pooling that rounds up
        pool = stage[-1]
        assert isinstance(pool, torch.nn.MaxPool2d) and pool.ceil_mode
        assert pool.kernel_size in (2, (2, 2)) and pool.stride in (2, (2, 2))
    assert {(1, 1), (2, 3), (96, 96), (97, 75), (128, 128)} <= set(E.STAGE_SIZES)
