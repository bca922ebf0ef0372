"""Tests of updown.data: shapes, ranges, determinism, the classes that make boundaries matter, every error."""
import numpy as np
import pytest
import torch

from updown import data as D
from updown.metrics import boundary_map


@pytest.fixture(scope="module")
def shapes():
    return D.make_shapes(96, 48, seed=3)


def test_shapes_dtypes_and_ranges(shapes):
    images, labels = shapes
    assert images.shape == (96, 3, 48, 48) and images.dtype == np.float32
    assert labels.shape == (96, 48, 48) and labels.dtype == np.int64
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert set(np.unique(labels)) == set(range(D.NUM_CLASSES))
    assert len(D.CLASS_NAMES) == D.NUM_CLASSES == D.CLASS_COLOURS.shape[0]


def test_deterministic_per_seed_and_prefix_stable(shapes):
    images, labels = shapes
    again = D.make_shapes(96, 48, seed=3)
    np.testing.assert_array_equal(again[0], images)
    np.testing.assert_array_equal(again[1], labels)
    prefix = D.make_shapes(70, 48, seed=3)          # crosses a block boundary (64)
    np.testing.assert_array_equal(prefix[0], images[:70])
    other = D.make_shapes(96, 48, seed=4)
    assert not np.array_equal(other[1], labels)


def test_thin_parts_and_small_objects(shapes):
    _, labels = shapes
    # strokes are thin: most stroke pixels are on a boundary (a 4-neighbour of another class)
    edge = boundary_map(labels)
    stroke = labels == 3
    assert edge[stroke].mean() > 0.6
    # discs include small ones: some images have a disc component of at most 50 pixels
    sizes = [(labels[i] == 1).sum() for i in range(len(labels))]
    assert any(0 < s <= 50 for s in sizes)
    # objects occupy a minority of the pixels, every class a few percent at least
    share = np.bincount(labels.ravel(), minlength=D.NUM_CLASSES) / labels.size
    assert 0.6 < share[0] < 0.95 and (share[1:] > 0.005).all()


def test_objects_take_their_class_colour(shapes):
    images, labels = shapes
    # mean colour of each object class differs from the others and from the background (the net can use hue)
    means = np.array([images.transpose(0, 2, 3, 1)[labels == c].mean(axis=0) for c in range(D.NUM_CLASSES)])
    dist = np.linalg.norm(means[:, None] - means[None], axis=-1)
    assert dist[~np.eye(D.NUM_CLASSES, dtype=bool)].min() > 0.1


def test_noise_zero_gives_smooth_background():
    images, labels = D.make_shapes(4, 32, seed=0, noise=0.0)
    noisy, labels2 = D.make_shapes(4, 32, seed=0, noise=0.2)
    np.testing.assert_array_equal(labels, labels2)
    bg = labels == 0
    # neighbouring background pixels differ far less without noise
    d0 = np.abs(np.diff(images, axis=-1))[np.broadcast_to(bg[:, None, :, 1:] & bg[:, None, :, :-1], images[..., 1:].shape)]
    d1 = np.abs(np.diff(noisy, axis=-1))[np.broadcast_to(bg[:, None, :, 1:] & bg[:, None, :, :-1], images[..., 1:].shape)]
    assert np.median(d0) < 0.5 * np.median(d1)


def test_dataset(shapes):
    ds = D.ShapesDataset(96, 48, seed=3)
    assert len(ds) == 96
    x, y = ds[5]
    assert x.shape == (3, 48, 48) and x.dtype == torch.float32 and y.dtype == torch.int64
    np.testing.assert_array_equal(x.numpy(), shapes[0][5])
    np.testing.assert_array_equal(ds[-1][1].numpy(), shapes[1][-1])
    loader = torch.utils.data.DataLoader(ds, batch_size=32)
    xb, yb = next(iter(loader))
    assert xb.shape == (32, 3, 48, 48) and yb.shape == (32, 48, 48)
    assert "96 images of 48x48, seed=3" in repr(ds)


def test_colourize():
    labels = np.array([[0, 1], [2, 4]])
    rgb = D.colourize(labels)
    assert rgb.shape == (2, 2, 3)
    np.testing.assert_array_equal(rgb[1, 1], D.CLASS_COLOURS[4])
    np.testing.assert_array_equal(D.colourize(torch.from_numpy(labels)), rgb)


def test_errors():
    with pytest.raises(ValueError, match="num_images must be positive, got 0"):
        D.make_shapes(0)
    with pytest.raises(TypeError, match="num_images must be an int"):
        D.make_shapes(2.5)
    with pytest.raises(ValueError, match="image_size must be at least 16, got 8"):
        D.make_shapes(2, 8)
    with pytest.raises(ValueError, match="seed must be non-negative, got -1"):
        D.make_shapes(2, 32, seed=-1)
    with pytest.raises(TypeError, match="seed must be an int"):
        D.make_shapes(2, 32, seed="a")
    with pytest.raises(ValueError, match="noise must be a finite number >= 0, got -0.1"):
        D.make_shapes(2, 32, noise=-0.1)
    with pytest.raises(TypeError, match="noise must be a number, got '0.1'"):
        D.make_shapes(2, 32, noise="0.1")
    ds = D.ShapesDataset(3, 16)
    with pytest.raises(IndexError, match="index must be in -3..2, got 3"):
        ds[3]
    with pytest.raises(TypeError, match="index must be an int, got 1.0"):
        ds[1.0]
    with pytest.raises(ValueError, match="labels must be in 0..4, got values from 0 to 5"):
        D.colourize(np.array([0, 5]))
    with pytest.raises(TypeError, match="labels must have an integer dtype, got dtype float64"):
        D.colourize(np.zeros(3))
    with pytest.raises(TypeError, match="labels must be a numpy.ndarray or a torch.Tensor, got list"):
        D.colourize([0, 1])
