"""Checks for the exercises of the chapter "FCN-32s, FCN-16s, FCN-8s: fusing coarse and fine scores".

The chapter's number is :data:`CHAPTER`, the one place to change when chapters are inserted before it (the
messages say "Exercise {CHAPTER}.M", like the student edition's stubs; see the changelog in book/teaching.md).
"""
from __future__ import annotations

import numpy as np
import torch

from ._common import ExerciseFailed, run_cases

__all__ = ["check_pool_sizes", "check_mean_iou", "check_fuse", "check_skip_gap"]

#: The chapter's number in the book's table of contents.
CHAPTER = 10


def _pool_sizes(size: int, pools: int) -> tuple[int, ...]:
    out = []
    for _ in range(pools):
        size = -(-size // 2)
        out.append(size)
    return tuple(out)


def check_pool_sizes(answer) -> str:
    """The first exercise of the chapter: ``answer(size, pools)`` returns, as a tuple of ints, the side length after
    each of ``pools`` 2x2 poolings with stride 2 that round up (``ceil_mode=True``), starting from ``size`` pixels."""
    cases = [((s, p), {}, _pool_sizes(s, p)) for s, p in
             [(100, 5), (64, 5), (75, 5), (1, 3), (33, 5), (500, 5), (97, 4), (2, 1), (7, 0)]]
    return run_cases(f"Exercise {CHAPTER}.1", answer, cases)


def _mean_iou(pred: np.ndarray, target: np.ndarray, k: int) -> float:
    n = np.bincount(target.ravel() * k + pred.ravel(), minlength=k * k).reshape(k, k)
    union = n.sum(0) + n.sum(1) - np.diag(n)
    present = union > 0
    return float(np.mean(np.diag(n)[present] / union[present]))


def check_mean_iou(answer) -> str:
    """The second exercise of the chapter: ``answer(pred, target, num_classes)`` returns the mean IU of
    {cite}`long2015fcn` as a float: the mean over the classes present in ``target`` or ``pred`` of ``n_ii / (t_i +
    sum_j n_ji - n_ii)`` (integer NumPy label maps of the same shape)."""
    rng = np.random.default_rng(8)
    cases = []
    t = np.array([[0, 0, 1], [2, 2, 1]])
    p = np.array([[0, 1, 1], [2, 0, 1]])
    cases.append(((p, t, 3), {}, _mean_iou(p, t, 3)))
    cases.append(((p, t, 6), {}, _mean_iou(p, t, 3)))        # absent classes are left out
    only_pred = p.copy()
    only_pred[0, 0] = 4                                          # a class only in the prediction counts (IoU 0)
    cases.append(((only_pred, t, 5), {}, _mean_iou(only_pred, t, 5)))
    cases.append(((t, t, 4), {}, 1.0))
    for _ in range(4):
        k = int(rng.integers(2, 6))
        shape = (int(rng.integers(1, 4)), int(rng.integers(3, 9)), int(rng.integers(3, 9)))
        target = rng.integers(0, k, shape)
        pred = np.where(rng.random(shape) < 0.6, target, rng.integers(0, k, shape))
        cases.append(((pred, target, k + 2), {}, _mean_iou(pred, target, k + 2)))
    return run_cases(f"Exercise {CHAPTER}.2", answer, cases)


def _reference_fuse(coarse: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
    from ..transposed import bilinear_weight

    k = coarse.shape[1]
    up = torch.nn.functional.conv_transpose2d(coarse, bilinear_weight(k, 2, dtype=coarse.dtype), stride=2,
                                              padding=1)
    return up[..., :skip.shape[-2], :skip.shape[-1]] + skip


def check_fuse(answer) -> str:
    """The third exercise of the chapter: ``answer(coarse, skip)`` returns the fused scores of one FCN skip step:
    ``coarse`` ``(N, K, h, w)`` upsampled 2x by a transposed convolution with the bilinear kernel (stride 2, padding
    1, no bias), cropped at offset 0 to the size ``(H, W)`` of ``skip`` ``(N, K, H, W)``, plus ``skip``."""
    g = torch.Generator().manual_seed(88)
    cases = []
    for (n, k, h, w) in [(1, 1, 2, 2), (2, 3, 3, 4), (1, 5, 4, 4), (1, 2, 5, 3)]:
        for odd in (0, 1):
            coarse = torch.randn(n, k, h, w, dtype=torch.float64, generator=g)
            skip = torch.randn(n, k, 2 * h - odd, 2 * w - odd, dtype=torch.float64, generator=g)
            expected = _reference_fuse(coarse, skip).numpy()
            cases.append(((coarse.clone(), skip.clone()), {}, expected))
    return run_cases(f"Exercise {CHAPTER}.3", _numpy_out(answer), cases, rtol=1e-9, atol=1e-9)


def _numpy_out(answer):
    def wrapped(*args):
        out = answer(*args)
        return out.detach().numpy() if isinstance(out, torch.Tensor) else out
    wrapped.__name__ = getattr(answer, "__name__", "answer")
    wrapped.__wrapped__ = answer
    return wrapped


def check_skip_gap(answer) -> str:
    """The fourth exercise of the chapter: ``answer(model, x)`` returns, as a float, the largest absolute difference
    between an FCN-16s or FCN-8s ``model``'s fused pool4 scores (``model.trace(x)["fuse_pool4"]``) and its upsampled
    coarse scores (``model.trace(x)["upscore2"]`` cropped to the pool4 size). It is 0 exactly at initialisation with
    zero-initialised skip scorers, and not with random ones."""
    from ..fcn import FCN

    cases = []
    for seed, variant, zero, size in [(0, "16s", True, 64), (1, "8s", True, 45), (2, "16s", False, 64),
                                      (3, "8s", False, 37)]:
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            model = FCN(5, variant, zero_init_skips=zero).eval()
            x = torch.rand(2, 3, size, size)
        with torch.no_grad():
            t = model.trace(x)
            h, w = t["score_pool4"].shape[-2:]
            gap = float((t["fuse_pool4"] - t["upscore2"][..., :h, :w]).abs().max())
        if not zero and gap == 0:
            raise ExerciseFailed(f"Exercise {CHAPTER}.4: internal check failed (random skips gave no gap)")
        cases.append(((model, x), {}, gap))
    return run_cases(f"Exercise {CHAPTER}.4", answer, cases, rtol=1e-5, atol=1e-7)
