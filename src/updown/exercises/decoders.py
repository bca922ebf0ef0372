"""Checks for the exercises of the chapter *Decoders compared* (ch-decoders). The expected answers come from the
library: ``updown.decoders.center_crop`` and ``original_unet_sizes`` (the crop), the parameters of a built
``updown.decoders.CARAFE`` (the count) and the backbone's maps in a built FCN-8s (the stage shapes).

The chapter's number is :data:`CHAPTER`, the one place to change when chapters are inserted before it (the
messages say "Exercise {CHAPTER}.M", like the student edition's stubs)."""
from __future__ import annotations

import numpy as np
import torch

from .. import decoders as DEC
from ._common import ExerciseFailed, run_cases

__all__ = [
    "check_center_crop",
    "check_carafe_parameters",
    "check_stage_shapes",
]

CHAPTER = 13


# ------------------------------------------------------------------------------------------ 1: the crop ---

def _crop_cases() -> list[tuple]:
    """(map shape, crop size) pairs: 2-D to 4-D, odd and even margins, no crop, and the paper's four crops."""
    shapes = [((5, 5), (3, 3)), ((6, 7), (3, 4)), ((4, 6), (4, 6)), ((7, 4), (2, 4)), ((3, 3), (1, 1)),
              ((2, 9, 8), (4, 5)), ((1, 2, 10, 11), (7, 6)), ((2, 3, 6, 5), (6, 2))]
    _, crops, _ = DEC.original_unet_sizes(572)
    for skip, up, _margin in crops:                 # (64, 56), (136, 104), (280, 200), (568, 392)
        shapes.append(((1, 2 if skip < 200 else 1, skip, skip), (up, up)))
    cases = []
    for shape, size in shapes:
        x = np.arange(int(np.prod(shape))).reshape(shape)     # distinct values: an offset can be found
        cases.append(((x, size), {}, np.array(DEC.center_crop(x, size))))
    return cases


def _rows(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _offset_hint(answer, cases) -> str | None:
    """For the first case the answer gets wrong: where its part of the map starts, if it is a part of the map
    of the right size, against where the centre part starts (None otherwise)."""
    for (x, size), _, expected in cases:
        try:
            got = np.asarray(answer(x.copy(), size))
        except Exception:
            return None
        if got.shape == expected.shape and np.array_equal(got, expected):
            continue
        if got.shape != expected.shape or got.size == 0:
            return None
        at = np.argwhere(x == got.flat[0])
        if len(at) != 1:
            return None
        top, left = (int(i) for i in at[0][-2:])
        if not np.array_equal(x[..., top:top + size[0], left:left + size[1]], got):
            return None
        want_top, want_left = (x.shape[-2] - size[0]) // 2, (x.shape[-1] - size[1]) // 2
        off = []
        if top != want_top:
            off.append(f"{_rows(abs(top - want_top), 'row')} {'down' if top > want_top else 'up'}")
        if left != want_left:
            off.append(f"{_rows(abs(left - want_left), 'column')} "
                       f"{'right' if left > want_left else 'left'}")
        margins = (x.shape[-2] - size[0], x.shape[-1] - size[1])
        return (f"the crop is off by {' and '.join(off)}: your part starts at row {top}, column {left}, "
                f"the centre part at row {want_top}, column {want_left} (margins of {margins[0]} rows and "
                f"{margins[1]} columns: half of each at the start, the odd pixel more at the end)")
    return None


def check_center_crop(answer) -> str:
    """Implement: ``answer(x, size)`` returns the centre ``size = (h, w)`` part of a NumPy array ``x`` of shape
    ``(..., H, W)``, as the original U-Net crops the encoder's map before concatenating it: equal margins, the
    odd pixel more at the end (bottom/right); ``x`` is not modified. The cases include the paper's crops
    (``updown.decoders.original_unet_sizes(572)``)."""
    exercise = f"Exercise {CHAPTER}.1"
    cases = _crop_cases()
    try:
        verdict = run_cases(exercise, answer, cases, rtol=0, atol=0)
    except ExerciseFailed as err:
        hint = None if "not done yet" in str(err) else _offset_hint(answer, cases)
        if hint is None:
            raise
        first, newline, rest = str(err).partition("\n")      # the hint before the case_input lines
        raise ExerciseFailed(f"{first}\n  {hint}{newline}{rest}", err.frames) from None
    if not verdict:                      # case_input's probe: no function to call
        return verdict
    x = np.arange(7 * 8.0).reshape(1, 7, 8)
    before = x.copy()
    answer(x, (3, 5))
    if not np.array_equal(x, before):
        raise ExerciseFailed(f"{exercise}: the function changed its input x; return a part of it without "
                             "writing into it")
    return verdict


# ------------------------------------------------------------------------------ 2: CARAFE's parameters ---

#: (channels, scale_factor, kernel_size, encoder_size, compressed): the paper's settings first.
CARAFE_SETTINGS = ((64, 2, 5, 3, 64), (16, 2, 5, 3, 64), (32, 2, 3, 1, 16), (24, 4, 5, 3, 8),
                   (7, 3, 3, 5, 5), (1, 1, 1, 1, 1), (128, 2, 7, 3, 32))


def _carafe_counts(setting) -> dict[str, int]:
    """The parameter count of the built module and of the two slips the hint names, from built modules."""
    with torch.random.fork_rng():               # the weights do not matter; the global generator is left alone
        module = DEC.CARAFE(*setting)
        unscaled = DEC.CARAFE(setting[0], 1, *setting[2:])     # s = 1: k^2 output channels only
    weights = sum(p.numel() for name, p in module.named_parameters() if not name.endswith("bias"))
    return {"expected": DEC.count_parameters(module),
            "the biases are missing (each convolution has one per output channel)": weights,
            "the content encoder must predict s^2 k^2 channels (one k x k kernel for each of the s x s output "
            "pixels of a cell), not k^2": DEC.count_parameters(unscaled)}


def check_carafe_parameters(answer) -> str:
    """Formula: ``answer(channels, scale_factor, kernel_size, encoder_size, compressed)`` returns the number of
    parameters (an int) of ``updown.decoders.CARAFE(channels, scale_factor, kernel_size, encoder_size,
    compressed)``: a 1x1 channel compressor to ``compressed`` channels, then an ``encoder_size`` x
    ``encoder_size`` content encoder to ``scale_factor**2 * kernel_size**2`` channels, both with biases."""
    exercise = f"Exercise {CHAPTER}.2"
    counts = [_carafe_counts(s) for s in CARAFE_SETTINGS]
    cases = [(s, {}, c["expected"]) for s, c in zip(CARAFE_SETTINGS, counts)]
    try:
        return run_cases(exercise, answer, cases)
    except ExerciseFailed as err:
        if "not done yet" in str(err):
            raise
        for setting, c in zip(CARAFE_SETTINGS, counts):
            try:
                got = answer(*setting)
            except Exception:
                raise err from None
            if got == c["expected"]:
                continue
            slips = [why for why, n in c.items() if why != "expected" and n == got and n != c["expected"]]
            if slips:
                raise ExerciseFailed(f"{err}: {slips[0]}", err.frames) from None
            break
        raise


# ----------------------------------------------------------------------------------- 3: stage shapes ---

STAGE_SIZES = ((1, 1), (2, 3), (96, 96), (97, 75), (128, 128), (64, 48), (33, 17), (5, 130), (31, 32))


def backbone_shapes(sizes=STAGE_SIZES) -> list[tuple[tuple[int, int], ...]]:
    """For each ``(h, w)``, the ``(height, width)`` of pool1..pool5 of the book's backbone, measured by running
    ``trace`` of a freshly built ``updown.decoders.build("FCN-8s")`` on an image of zeros."""
    with torch.random.fork_rng():
        model = DEC.build("FCN-8s").eval()
    out = []
    with torch.no_grad():
        for h, w in sizes:
            maps = model.trace(torch.zeros(1, 3, h, w))
            out.append(tuple(tuple(int(n) for n in maps[f"pool{i}"].shape[-2:]) for i in range(1, 6)))
    return out


def check_stage_shapes(answer) -> str:
    """Predict: ``answer(h, w)`` returns a list of five ``(height, width)`` tuples, the sizes of the backbone's
    maps after each of its five stages (pool1..pool5) for an ``h x w`` image. Each stage keeps the size through
    its padded 3x3 convolutions and halves it with a 2x2 max pooling that rounds up (``ceil_mode=True``)."""
    exercise = f"Exercise {CHAPTER}.3"
    cases = [((h, w), {}, shapes) for (h, w), shapes in zip(STAGE_SIZES, backbone_shapes())]
    try:
        return run_cases(exercise, answer, cases)
    except ExerciseFailed as err:
        if "not done yet" in str(err):
            raise
        for (h, w), _, shapes in cases:
            floor, (a, b) = [], (h, w)
            for _ in range(5):
                a, b = a // 2, b // 2
                floor.append((a, b))
            try:
                got = answer(h, w)
                same = [tuple(int(n) for n in hw) for hw in got] == floor
            except Exception:
                raise err from None
            if same and tuple(floor) != shapes:
                raise ExerciseFailed(f"{err}: the poolings round up (ceil_mode=True), so an odd size n "
                                     "becomes (n + 1) // 2, not n // 2", err.frames) from None
            if tuple(tuple(hw) for hw in got) != shapes:
                break
        raise
