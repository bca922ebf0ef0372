"""The checks of chapter 8's exercises pass the solutions and reject plausible wrong answers."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from updown.exercises import check_fuse, check_mean_iou, check_pool_sizes, check_skip_gap
from updown.exercises._common import ExerciseFailed
from updown.exercises.fcn import CHAPTER
from updown.transposed import bilinear_weight


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise 8.x")


def pool_sizes(size, pools):
    out = []
    for _ in range(pools):
        size = (size + 1) // 2
        out.append(size)
    return tuple(out)


def test_pool_sizes():
    assert "passed" in check_pool_sizes(pool_sizes)

    def floor(size, pools):                       # ceil_mode=False
        return tuple(size // 2 ** (i + 1) for i in range(pools))

    def one_short(size, pools):
        return pool_sizes(size, pools)[:-1]

    for wrong in (floor, one_short, _stub):
        with pytest.raises(ExerciseFailed, match=rf"^Exercise {CHAPTER}\.1: "):
            check_pool_sizes(wrong)


def mean_iou(pred, target, num_classes):
    ious = []
    for c in range(num_classes):
        inter = np.sum((pred == c) & (target == c))
        union = np.sum((pred == c) | (target == c))
        if union > 0:
            ious.append(inter / union)
    return float(np.mean(ious))


def test_mean_iou():
    assert "passed" in check_mean_iou(mean_iou)

    def all_classes(pred, target, num_classes):   # absent classes counted as 0
        inter = [np.sum((pred == c) & (target == c)) for c in range(num_classes)]
        union = [np.sum((pred == c) | (target == c)) for c in range(num_classes)]
        return float(np.mean([i / u if u else 0.0 for i, u in zip(inter, union)]))

    def target_classes_only(pred, target, num_classes):   # leaves out classes only in the prediction
        ious = [np.sum((pred == c) & (target == c)) / np.sum((pred == c) | (target == c))
                for c in range(num_classes) if np.any(target == c)]
        return float(np.mean(ious))

    def dice(pred, target, num_classes):
        vals = [2 * np.sum((pred == c) & (target == c)) / (np.sum(pred == c) + np.sum(target == c))
                for c in range(num_classes) if np.any(pred == c) or np.any(target == c)]
        return float(np.mean(vals))

    for wrong in (all_classes, target_classes_only, dice, _stub):
        with pytest.raises(ExerciseFailed, match=rf"^Exercise {CHAPTER}\.2: "):
            check_mean_iou(wrong)


def fuse(coarse, skip):
    k = coarse.shape[1]
    up = F.conv_transpose2d(coarse, bilinear_weight(k, 2, dtype=coarse.dtype), stride=2, padding=1)
    return up[..., :skip.shape[-2], :skip.shape[-1]] + skip


def test_fuse():
    assert "passed" in check_fuse(fuse)

    def interpolate(coarse, skip):                # clamps at the border instead of the transposed conv's zeros
        up = F.interpolate(coarse, scale_factor=2, mode="bilinear", align_corners=False)
        return up[..., :skip.shape[-2], :skip.shape[-1]] + skip

    def centre_crop(coarse, skip):                # crops the extra row at the top instead of the bottom
        up = fuse(coarse, torch.zeros(*coarse.shape[:2], 2 * coarse.shape[2], 2 * coarse.shape[3],
                                      dtype=coarse.dtype))
        dh, dw = up.shape[-2] - skip.shape[-2], up.shape[-1] - skip.shape[-1]
        return up[..., dh:, dw:] + skip

    def no_padding(coarse, skip):
        k = coarse.shape[1]
        up = F.conv_transpose2d(coarse, bilinear_weight(k, 2, dtype=coarse.dtype), stride=2)
        return up[..., :skip.shape[-2], :skip.shape[-1]] + skip

    def concatenate(coarse, skip):
        up = fuse(coarse, torch.zeros_like(skip))
        return torch.cat([up, skip], 1)

    for wrong in (interpolate, centre_crop, no_padding, concatenate, _stub):
        with pytest.raises(ExerciseFailed, match=rf"^Exercise {CHAPTER}\.3: "):
            check_fuse(wrong)


def skip_gap(model, x):
    with torch.no_grad():
        t = model.trace(x)
    h, w = t["score_pool4"].shape[-2:]
    return float((t["fuse_pool4"] - t["upscore2"][..., :h, :w]).abs().max())


def test_skip_gap():
    assert "passed" in check_skip_gap(skip_gap)

    def always_zero(model, x):
        return 0.0

    def against_score_fr(model, x):                # forgets to upsample the coarse scores
        with torch.no_grad():
            t = model.trace(x)
        up = F.interpolate(t["score_fr"], size=t["score_pool4"].shape[-2:], mode="nearest")
        return float((t["fuse_pool4"] - up).abs().max())

    for wrong in (always_zero, against_score_fr, _stub):
        with pytest.raises(ExerciseFailed, match=rf"^Exercise {CHAPTER}\.4: "):
            check_skip_gap(wrong)
