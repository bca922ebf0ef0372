"""Segmentation metrics: confusion matrix, pixel accuracy, mean IoU and boundary F1.

Chapter *FCN: skip fusion* (8). Every function takes a prediction and a target label map of the same shape
(``(H, W)`` or a batch ``(N, H, W)``; any shape works), as NumPy arrays or torch tensors of an integer dtype, and
counts over all their pixels. Rows of the confusion matrix are the true class, columns the predicted class:
``n[i, j]`` is the number of pixels of class ``i`` predicted as ``j``.

With ``t_i = sum_j n[i, j]`` the pixels of class ``i``, {cite}`long2015fcn` define ({eq}`eq-mean-iu`)

* pixel accuracy ``sum_i n[i, i] / sum_i t_i``;
* mean IU ``(1 / n_cl) sum_i n[i, i] / (t_i + sum_j n[j, i] - n[i, i])``, where the mean runs over the classes
  present in the target or the prediction (a class absent from both has 0/0 and is left out, as in the paper's
  evaluation code, which uses a NaN-ignoring mean).

The boundary F1 score ({eq}`eq-boundary-f1`) follows {cite}`csurka2013boundary`: boundary pixels are the pixels
with a 4-neighbour of a different label; a predicted boundary pixel is correct when a true boundary pixel lies
within ``tolerance`` pixels (Euclidean distance between pixel centres), and a true one is found when a
predicted one lies within ``tolerance``; F1 is the harmonic mean of that precision and recall, computed per
image and averaged over the images.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ._checks import _show, int_tuple

__all__ = ["confusion_matrix", "pixel_accuracy", "class_iou", "mean_iou", "boundary_map", "boundary_f1"]


def _labels(name: str, x: Any) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
            raise TypeError(f"{name} must hold integer labels, got dtype {x.dtype}")
        x = x.detach().cpu().numpy()
    elif not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray or a torch.Tensor of integer labels, got "
                        f"{type(x).__name__}")
    if not np.issubdtype(x.dtype, np.integer):
        raise TypeError(f"{name} must hold integer labels, got dtype {x.dtype}")
    if x.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(x.shape)}")
    return x


def _pair(pred: Any, target: Any, num_classes: Any):
    pred = _labels("pred", pred)
    target = _labels("target", target)
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {tuple(pred.shape)} and "
                         f"{tuple(target.shape)}")
    k = int_tuple("num_classes", num_classes, 1, minimum=1)[0]
    for name, x in (("pred", pred), ("target", target)):
        lo, hi = int(x.min()), int(x.max())
        if lo < 0 or hi >= k:
            raise ValueError(f"{name} labels must be in 0..{k - 1} (num_classes={k}), got values from {lo} to {hi}")
    return pred, target, k


def confusion_matrix(pred, target, num_classes: int) -> np.ndarray:
    """The ``(K, K)`` int64 confusion matrix ``n[i, j]`` = pixels of true class ``i`` predicted as ``j``.

    ``pred`` and ``target``: integer labels of the same shape (NumPy or torch), values in ``0 .. K-1`` with
    ``K = num_classes``. Raises ``TypeError`` for non-integer labels or inputs that are neither arrays nor
    tensors, ``ValueError`` for a shape mismatch, an empty input, labels out of range or ``num_classes < 1``.
    """
    pred, target, k = _pair(pred, target, num_classes)
    flat = target.astype(np.int64).ravel() * k + pred.astype(np.int64).ravel()
    return np.bincount(flat, minlength=k * k).reshape(k, k)


def pixel_accuracy(pred, target, num_classes: int | None = None) -> float:
    """Fraction of pixels whose predicted label equals the target ({eq}`eq-mean-iu`), a float in [0, 1].

    ``num_classes`` is only used to check the labels' range (``None``: any non-negative label). Raises as
    :func:`confusion_matrix`.
    """
    if num_classes is None:
        pred, target = _labels("pred", pred), _labels("target", target)
        if pred.shape != target.shape:
            raise ValueError(f"pred and target must have the same shape, got {tuple(pred.shape)} and "
                             f"{tuple(target.shape)}")
        for name, x in (("pred", pred), ("target", target)):
            if int(x.min()) < 0:
                raise ValueError(f"{name} labels must be non-negative, got a minimum of {int(x.min())}")
    else:
        pred, target, _ = _pair(pred, target, num_classes)
    return float(np.mean(pred == target))


def class_iou(pred, target, num_classes: int) -> np.ndarray:
    """Intersection over union of each class, ``(K,)`` float64, NaN for a class absent from both maps.

    ``IoU_i = n[i, i] / (t_i + sum_j n[j, i] - n[i, i])`` from :func:`confusion_matrix` (same arguments, same
    errors).
    """
    n = confusion_matrix(pred, target, num_classes)
    inter = np.diag(n).astype(np.float64)
    union = n.sum(axis=1) + n.sum(axis=0) - np.diag(n)
    out = np.full(n.shape[0], np.nan)
    np.divide(inter, union, out=out, where=union > 0)
    return out


def mean_iou(pred, target, num_classes: int) -> float:
    """Mean intersection over union ("mean IU") as defined by {cite}`long2015fcn` ({eq}`eq-mean-iu`).

    The mean of :func:`class_iou` over the classes present in ``target`` or ``pred``; a class absent from both
    is left out (it would be 0/0). Counts are pooled over every pixel given, so for a data set pass the whole
    batch ``(N, H, W)`` at once rather than averaging per-image scores. Returns a float in [0, 1].
    Raises as :func:`confusion_matrix`.
    """
    iou = class_iou(pred, target, num_classes)
    return float(np.nanmean(iou))


def _neighbour_change(labels: np.ndarray) -> np.ndarray:
    """Pixels of ``(..., H, W)`` labels that have a 4-neighbour (inside the image) with another label."""
    edge = np.zeros(labels.shape, dtype=bool)
    dv = labels[..., 1:, :] != labels[..., :-1, :]
    dh = labels[..., :, 1:] != labels[..., :, :-1]
    edge[..., 1:, :] |= dv
    edge[..., :-1, :] |= dv
    edge[..., :, 1:] |= dh
    edge[..., :, :-1] |= dh
    return edge


def boundary_map(labels) -> np.ndarray:
    """Boolean boundary map of integer labels ``(..., H, W)``: True where a 4-neighbour has another label.

    Both pixels on either side of a label change are boundary pixels, so a boundary is two pixels thick.
    Accepts NumPy arrays and torch tensors; raises ``TypeError`` for non-integer labels and ``ValueError`` for
    fewer than 2 dimensions or an empty input.
    """
    labels = _labels("labels", labels)
    if labels.ndim < 2:
        raise ValueError(f"labels must have shape (..., H, W), got shape {tuple(labels.shape)}")
    return _neighbour_change(labels)


def _dilate(mask: np.ndarray, radius: float) -> np.ndarray:
    """Pixels within Euclidean distance ``radius`` of a True pixel of ``(N, H, W)`` masks (loop over offsets)."""
    r = int(np.floor(radius))
    if r == 0:
        return mask.copy()
    n, h, w = mask.shape
    padded = np.zeros((n, h + 2 * r, w + 2 * r), dtype=bool)
    padded[:, r:r + h, r:r + w] = mask
    out = np.zeros_like(mask)
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            if dy * dy + dx * dx <= radius * radius:
                out |= padded[:, r + dy:r + dy + h, r + dx:r + dx + w]
    return out


def boundary_f1(pred, target, num_classes: int, tolerance: float = 2.0) -> float:
    """Boundary F1 score ({eq}`eq-boundary-f1`, {cite}`csurka2013boundary`), averaged over images.

    ``pred`` and ``target``: integer labels ``(H, W)`` or ``(N, H, W)`` (NumPy or torch). Boundaries are
    :func:`boundary_map` (4-neighbour label changes). For each image, precision is the fraction of predicted
    boundary pixels that have a true boundary pixel within ``tolerance`` pixels (Euclidean distance between
    pixel centres, default 2), recall the fraction of true boundary pixels with a predicted one within
    ``tolerance``, and F1 = 2PR / (P + R). An image with no boundary in either map scores 1; with a boundary in
    only one of them, 0. Returns the mean over images, a float in [0, 1].

    Raises as :func:`confusion_matrix`; also ``ValueError`` for inputs with fewer than 2 dimensions or more than 3,
    and for a negative or non-finite ``tolerance`` (``TypeError`` if it is not a number).
    """
    pred, target, _ = _pair(pred, target, num_classes)
    if pred.ndim not in (2, 3):
        raise ValueError(f"pred and target must have shape (H, W) or (N, H, W), got shape {tuple(pred.shape)}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float, np.integer, np.floating)):
        raise TypeError(f"tolerance must be a number of pixels, got {_show(tolerance)}")
    if not np.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a finite number of pixels >= 0, got {tolerance!r}")
    if pred.ndim == 2:
        pred, target = pred[None], target[None]
    bp, bt = _neighbour_change(pred), _neighbour_change(target)
    near_t, near_p = _dilate(bt, float(tolerance)), _dilate(bp, float(tolerance))
    n_p = bp.sum(axis=(1, 2)).astype(np.float64)
    n_t = bt.sum(axis=(1, 2)).astype(np.float64)
    hit_p = (bp & near_t).sum(axis=(1, 2))
    hit_t = (bt & near_p).sum(axis=(1, 2))
    precision = np.divide(hit_p, n_p, out=np.zeros_like(n_p), where=n_p > 0)
    recall = np.divide(hit_t, n_t, out=np.zeros_like(n_t), where=n_t > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(denom), where=denom > 0)
    f1 = np.where((n_p == 0) & (n_t == 0), 1.0, f1)
    return float(f1.mean())
