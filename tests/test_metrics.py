"""Tests of updown.metrics against hand-computed confusion matrices, boundaries and scores; every error."""
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from updown import metrics as M

# 3x4 maps, 3 classes; counted by hand below
TARGET = np.array([[0, 0, 1, 1],
                   [0, 2, 2, 1],
                   [0, 0, 2, 2]])
PRED = np.array([[0, 1, 1, 1],
                 [0, 2, 1, 1],
                 [2, 0, 2, 0]])
# rows: true class, columns: predicted class
#   class 0 (5 px): predicted 0,1,0,2,0 -> [3, 1, 1]
#   class 1 (3 px): predicted 1,1,1      -> [0, 3, 0]
#   class 2 (4 px): predicted 2,1,2,0    -> [1, 1, 2]
HAND = np.array([[3, 1, 1],
                 [0, 3, 0],
                 [1, 1, 2]])


def test_confusion_matrix_by_hand():
    n = M.confusion_matrix(PRED, TARGET, 3)
    assert n.dtype == np.int64 and n.shape == (3, 3)
    np.testing.assert_array_equal(n, HAND)


def test_confusion_matrix_torch_and_batches():
    n = M.confusion_matrix(torch.from_numpy(PRED), torch.from_numpy(TARGET), 3)
    np.testing.assert_array_equal(n, HAND)
    both = M.confusion_matrix(np.stack([PRED, TARGET]), np.stack([TARGET, TARGET]), 4)
    expected = np.zeros((4, 4), int)
    expected[:3, :3] = HAND + np.diag([5, 3, 4])
    np.testing.assert_array_equal(both, expected)


def test_pixel_accuracy_by_hand():
    assert M.pixel_accuracy(PRED, TARGET) == pytest.approx(8 / 12)
    assert M.pixel_accuracy(PRED, TARGET, 3) == pytest.approx(8 / 12)
    assert M.pixel_accuracy(torch.from_numpy(TARGET), torch.from_numpy(TARGET)) == 1.0


def test_class_iou_and_mean_iou_by_hand():
    # IoU_i = n_ii / (t_i + p_i - n_ii):  t = [5, 3, 4], p = [4, 5, 3]
    expected = np.array([3 / (5 + 4 - 3), 3 / (3 + 5 - 3), 2 / (4 + 3 - 2)])
    np.testing.assert_allclose(M.class_iou(PRED, TARGET, 3), expected)
    assert M.mean_iou(PRED, TARGET, 3) == pytest.approx(expected.mean())


def test_mean_iou_leaves_out_classes_absent_from_both():
    # classes 3 and 4 appear nowhere: the paper's mean runs over the 3 present classes only
    assert M.mean_iou(PRED, TARGET, 5) == pytest.approx(M.mean_iou(PRED, TARGET, 3))
    assert np.isnan(M.class_iou(PRED, TARGET, 5)[3:]).all()
    # a class only in the prediction counts (IoU 0), pulling the mean down
    pred = PRED.copy()
    pred[0, 0] = 3
    iou = M.class_iou(pred, TARGET, 4)
    assert iou[3] == 0.0
    assert M.mean_iou(pred, TARGET, 4) == pytest.approx(np.mean(iou))
    assert PRED[0, 0] == 0  # inputs are not modified


def test_mean_iou_perfect_and_worst():
    assert M.mean_iou(TARGET, TARGET, 3) == 1.0
    assert M.mean_iou(np.ones((4, 4), int), np.zeros((4, 4), int), 2) == 0.0


@given(st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**16))
def test_confusion_matrix_totals(k, n, seed):
    rng = np.random.default_rng(seed)
    pred = rng.integers(0, k, (n, 5, 6))
    target = rng.integers(0, k, (n, 5, 6))
    c = M.confusion_matrix(pred, target, k)
    assert c.sum() == pred.size
    np.testing.assert_array_equal(c.sum(axis=1), np.bincount(target.ravel(), minlength=k))
    np.testing.assert_array_equal(c.sum(axis=0), np.bincount(pred.ravel(), minlength=k))
    assert M.pixel_accuracy(pred, target, k) == pytest.approx(np.trace(c) / pred.size)


def test_boundary_map_by_hand():
    labels = np.array([[0, 0, 0, 0],
                       [0, 1, 1, 0],
                       [0, 0, 0, 0]])
    expected = np.array([[0, 1, 1, 0],
                         [1, 1, 1, 1],
                         [0, 1, 1, 0]], bool)
    np.testing.assert_array_equal(M.boundary_map(labels), expected)
    assert not M.boundary_map(np.zeros((3, 3), int)).any()


def test_boundary_f1_by_hand():
    # a vertical edge between columns 3|4 in the target, 5|6 in the prediction (shifted by 2 pixels)
    target = np.zeros((6, 10), int)
    target[:, 4:] = 1
    pred = np.zeros((6, 10), int)
    pred[:, 6:] = 1
    # boundaries: target columns 3 and 4, prediction columns 5 and 6 (6 rows each)
    assert M.boundary_f1(pred, target, 2, tolerance=2) == pytest.approx(1.0)  # every column within 2 of another
    # tolerance 1: prediction column 5 is 1 from column 4, 6 is 2 away -> P = 1/2; likewise R = 1/2
    assert M.boundary_f1(pred, target, 2, tolerance=1) == pytest.approx(0.5)
    assert M.boundary_f1(pred, target, 2, tolerance=0) == 0.0
    assert M.boundary_f1(target, target, 2, tolerance=0) == 1.0


def test_boundary_f1_diagonal_tolerance_is_euclidean():
    target = np.zeros((8, 8), int)
    target[:4, :4] = 1                       # corner boundary
    pred = np.zeros((8, 8), int)
    pred[0, 7] = 1                           # a lone pixel far away in the other corner
    f1 = M.boundary_f1(pred, target, 2, tolerance=1.5)
    assert 0.0 <= f1 < 0.5
    # moving a boundary one pixel diagonally: distance sqrt(2) is matched at 1.5, not at 1
    a = np.zeros((8, 8), int)
    a[2, 2] = 1
    b = np.zeros((8, 8), int)
    b[3, 3] = 1
    # boundary pixels of a: (2,2) and its 4-neighbours; of b: (3,3) and its 4-neighbours
    assert M.boundary_f1(a, b, 2, tolerance=1.5) == 1.0
    assert M.boundary_f1(a, b, 2, tolerance=1.0) < 1.0


def test_boundary_f1_empty_boundaries_and_batch_mean():
    flat = np.zeros((5, 5), int)
    edge = flat.copy()
    edge[:, 3:] = 1
    assert M.boundary_f1(flat, flat, 2) == 1.0          # nothing to find, nothing predicted
    assert M.boundary_f1(flat, edge, 2) == 0.0          # a boundary missed entirely
    assert M.boundary_f1(edge, flat, 2) == 0.0          # a boundary invented
    batch = M.boundary_f1(np.stack([flat, flat]), np.stack([flat, edge]), 2)
    assert batch == pytest.approx(0.5)                  # mean over images
    assert M.boundary_f1(torch.from_numpy(edge), torch.from_numpy(edge), 2) == 1.0


@pytest.mark.parametrize("func", [M.confusion_matrix, M.class_iou, M.mean_iou, M.boundary_f1])
def test_errors_shared(func):
    with pytest.raises(ValueError, match=r"pred and target must have the same shape, got \(3, 4\) and \(4, 3\)"):
        func(PRED, TARGET.T.copy(), 3)
    with pytest.raises(ValueError, match=r"target labels must be in 0..1 \(num_classes=2\), got values from 0 to 2"):
        func(np.zeros_like(TARGET), TARGET, 2)
    with pytest.raises(ValueError, match=r"pred labels must be in 0..2 \(num_classes=3\), got values from -1 to 2"):
        func(PRED - (PRED == 0), TARGET, 3)
    with pytest.raises(TypeError, match="pred must hold integer labels, got dtype float64"):
        func(PRED.astype(float), TARGET, 3)
    with pytest.raises(TypeError, match="target must hold integer labels, got dtype torch.float32"):
        func(PRED, torch.zeros(3, 4), 3)
    with pytest.raises(TypeError, match="target must hold integer labels, got dtype torch.bool"):
        func(PRED, torch.zeros(3, 4, dtype=torch.bool), 3)
    with pytest.raises(TypeError, match="pred must be a numpy.ndarray or a torch.Tensor of integer labels, got list"):
        func(PRED.tolist(), TARGET, 3)
    with pytest.raises(ValueError, match="num_classes must be positive, got 0"):
        func(PRED, TARGET, 0)
    with pytest.raises(TypeError, match="num_classes must be an int"):
        func(PRED, TARGET, 3.0)
    with pytest.raises(ValueError, match=r"pred must not be empty, got shape \(0, 4\)"):
        func(np.zeros((0, 4), int), np.zeros((0, 4), int), 3)


def test_errors_pixel_accuracy_and_boundaries():
    with pytest.raises(ValueError, match="pred labels must be non-negative, got a minimum of -1"):
        M.pixel_accuracy(PRED - 1, TARGET)
    with pytest.raises(ValueError, match="pred and target must have the same shape"):
        M.pixel_accuracy(PRED, TARGET[:2])
    with pytest.raises(TypeError, match="target must hold integer labels, got dtype float32"):
        M.pixel_accuracy(PRED, TARGET.astype(np.float32))
    with pytest.raises(ValueError, match=r"pred and target must have shape \(H, W\) or \(N, H, W\), got shape \(12,\)"):
        M.boundary_f1(PRED.ravel(), TARGET.ravel(), 3)
    with pytest.raises(ValueError, match="tolerance must be a finite number of pixels >= 0, got -1"):
        M.boundary_f1(PRED, TARGET, 3, tolerance=-1)
    with pytest.raises(TypeError, match="tolerance must be a number of pixels, got '2'"):
        M.boundary_f1(PRED, TARGET, 3, tolerance="2")
    with pytest.raises(ValueError, match=r"labels must have shape \(..., H, W\), got shape \(4,\)"):
        M.boundary_map(np.zeros(4, int))
    with pytest.raises(TypeError, match="labels must hold integer labels, got dtype float64"):
        M.boundary_map(np.zeros((4, 4)))
