"""A seeded, procedural segmentation data set: coloured shapes on textured backgrounds, with their label maps.

Chapter *FCN: skip fusion* (8). Nothing is downloaded: every image is drawn from its seed, so the same seed gives
the same images, bit for bit, on every machine.

Five classes (:data:`CLASS_NAMES`): ``background`` and four kinds of object, chosen so that boundaries matter:

* ``disc``: filled discs, a third of them small (radius 2 to 4 pixels: "small objects");
* ``box``: filled rectangles at any angle;
* ``stroke``: straight strokes 1 to 2.5 pixels wide ("thin parts");
* ``ring``: annuli whose band is 1.5 to 3 pixels wide (thin parts around a hole of background).

Each object has its class's hue with a random jitter, a random brightness and its own pixel noise; the background
is a smooth random colour field (a few random plane waves), its own noise and faint stripes. Objects are painted
in order, so a later object hides an earlier one, and the label map says which class is visible at each pixel.

Pixel ``(i, j)`` has its centre at ``(x, y) = (j + 0.5, i + 0.5)`` (the notation page); shapes are tested at pixel
centres, so labels are hard (no anti-aliasing). Generation is vectorised over images, objects and pixels.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from ._checks import _show, int_tuple

__all__ = ["CLASS_NAMES", "NUM_CLASSES", "CLASS_COLOURS", "STROKE_WIDTH", "RING_BAND", "make_shapes", "ShapesDataset",
           "colourize"]

#: The class of each label value, in order.
CLASS_NAMES = ("background", "disc", "box", "stroke", "ring")
#: The number of classes K (label values 0 .. K-1).
NUM_CLASSES = len(CLASS_NAMES)
#: The range (pixels, at any image size) of the widths of the strokes and of the bands of the rings.
STROKE_WIDTH = (1.0, 2.5)
RING_BAND = (1.5, 3.0)
#: Display colour of each class for label maps (Okabe & Ito palette; background light grey).
CLASS_COLOURS = np.array([
    [0.92, 0.92, 0.92],   # background
    [0.000, 0.447, 0.698],  # disc: blue
    [0.902, 0.624, 0.000],  # box: orange
    [0.835, 0.369, 0.000],  # stroke: vermillion
    [0.000, 0.620, 0.451],  # ring: green
])

# The base RGB colour of each object class in the images (the hue the network can use; jittered per object).
_BASE = np.array([
    [0.20, 0.45, 0.95],   # disc
    [0.95, 0.70, 0.15],   # box
    [0.95, 0.25, 0.20],   # stroke
    [0.25, 0.85, 0.40],   # ring
])
_MAX_OBJECTS = 7


def _positive(name: str, value: Any) -> int:
    return int_tuple(name, value, 1, minimum=1)[0]


def _seed(seed: Any) -> int:
    value = int_tuple("seed", seed, 1, minimum=0)[0]
    return value


def _objects(rng: np.random.Generator, n: int, size: int):
    """Parameters of up to ``_MAX_OBJECTS`` objects per image, as arrays of shape ``(n, M)``."""
    m = _MAX_OBJECTS
    count = rng.integers(3, m + 1, size=n)                          # objects in each image
    present = np.arange(m)[None, :] < count[:, None]
    cls = rng.integers(1, NUM_CLASSES, size=(n, m))                 # 1..4
    s = size / 64.0                                                 # sizes scale with the image
    cx = rng.uniform(0.05, 0.95, size=(n, m)) * size
    cy = rng.uniform(0.05, 0.95, size=(n, m)) * size
    small = rng.random((n, m)) < 1 / 3
    radius = np.where(small, rng.uniform(2.0, 4.0, (n, m)), rng.uniform(5.0, 11.0, (n, m)) * s)
    half_w = rng.uniform(3.0, 11.0, (n, m)) * s                      # box half sides
    half_h = rng.uniform(3.0, 11.0, (n, m)) * s
    angle = rng.uniform(0.0, np.pi, (n, m))
    length = rng.uniform(14.0, 40.0, (n, m)) * s                     # stroke length
    width = rng.uniform(*STROKE_WIDTH, (n, m))                       # stroke width, pixels
    ring_out = rng.uniform(6.0, 13.0, (n, m)) * s
    band = rng.uniform(*RING_BAND, (n, m))                           # ring band width, pixels
    colour = _BASE[cls - 1] + rng.uniform(-0.15, 0.15, (n, m, 3))
    colour = np.clip(colour * rng.uniform(0.6, 1.1, (n, m, 1)), 0.0, 1.0)
    return dict(present=present, cls=cls, cx=cx, cy=cy, radius=radius, half_w=half_w, half_h=half_h,
                angle=angle, length=length, width=width, ring_out=ring_out, band=band, colour=colour)


def _masks(p: dict, size: int) -> np.ndarray:
    """Boolean masks ``(n, M, H, W)``: pixel centres covered by each object (shape chosen by its class)."""
    centres = np.arange(size) + 0.5
    x = centres[None, None, None, :]
    y = centres[None, None, :, None]
    e = lambda a: a[:, :, None, None]  # noqa: E731  (broadcast an (n, M) parameter over pixels)
    dx, dy = x - e(p["cx"]), y - e(p["cy"])
    r2 = dx * dx + dy * dy
    cos, sin = np.cos(e(p["angle"])), np.sin(e(p["angle"]))
    u = dx * cos + dy * sin                                          # along the object's axis
    v = -dx * sin + dy * cos                                         # across it
    cls = e(p["cls"])
    disc = r2 <= e(p["radius"]) ** 2
    box = (np.abs(u) <= e(p["half_w"])) & (np.abs(v) <= e(p["half_h"]))
    stroke = (np.abs(u) <= e(p["length"]) / 2) & (np.abs(v) <= e(p["width"]) / 2)
    r_out = e(p["ring_out"])
    ring = (r2 <= r_out ** 2) & (r2 >= (r_out - e(p["band"])) ** 2)
    mask = np.where(cls == 1, disc, np.where(cls == 2, box, np.where(cls == 3, stroke, ring)))
    return mask & e(p["present"])


def _background(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """Smooth random colour fields with faint stripes, ``(n, 3, H, W)``, values roughly in [0.15, 0.75]."""
    centres = (np.arange(size) + 0.5) / size
    x = centres[None, None, None, None, :]
    y = centres[None, None, None, :, None]
    waves = 3
    freq = rng.uniform(0.5, 3.0, (n, 3, waves, 1, 1))
    theta = rng.uniform(0, 2 * np.pi, (n, 3, waves, 1, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 3, waves, 1, 1))
    field = np.sin(2 * np.pi * freq * (x * np.cos(theta) + y * np.sin(theta)) + phase).mean(axis=2)
    grey = rng.uniform(0.3, 0.6, (n, 1, 1, 1))
    stripe_f = rng.uniform(4.0, 10.0, (n, 1, 1, 1))
    stripe_t = rng.uniform(0, np.pi, (n, 1, 1, 1))
    xs, ys = x[:, :, 0], y[:, :, 0]
    stripes = 0.06 * np.sign(np.sin(2 * np.pi * stripe_f * (xs * np.cos(stripe_t) + ys * np.sin(stripe_t))))
    return grey + 0.15 * field + stripes


def make_shapes(num_images: int, image_size: int = 64, seed: int = 0, noise: float = 0.08):
    """``num_images`` procedural segmentation examples: ``(images, labels)`` as NumPy arrays.

    ``images``: float32 ``(N, 3, H, W)`` with ``H = W = image_size``, values in [0, 1]; ``labels``: int64
    ``(N, H, W)`` with values ``0 .. NUM_CLASSES - 1`` (see :data:`CLASS_NAMES`). ``noise`` is the standard
    deviation of the Gaussian pixel noise added everywhere. The same ``(num_images, image_size, seed, noise)`` give
    the same arrays; the first ``k`` images of a set do not depend on ``num_images`` (images are drawn in blocks
    of 64 from streams derived from the seed).

    Raises ``TypeError`` for non-integer sizes or seed, ``ValueError`` for ``num_images`` or a seed below 0/1,
    an ``image_size`` below 16 or a negative or non-finite ``noise``.
    """
    num_images = _positive("num_images", num_images)
    image_size = _positive("image_size", image_size)
    if image_size < 16:
        raise ValueError(f"image_size must be at least 16, got {image_size}")
    seed = _seed(seed)
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating, np.integer)):
        raise TypeError(f"noise must be a number, got {_show(noise)}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    block = 64
    images, labels = [], []
    for start in range(0, num_images, block):
        n = min(block, num_images - start)
        rng = np.random.default_rng([seed, start // block])
        img, lab = _draw(rng, block, image_size, float(noise))
        images.append(img[:n])
        labels.append(lab[:n])
    return np.concatenate(images), np.concatenate(labels)


def _draw(rng: np.random.Generator, n: int, size: int, noise: float):
    p = _objects(rng, n, size)
    mask = _masks(p, size)                                           # (n, M, H, W)
    m = mask.shape[1]
    # the last object covering a pixel is the visible one: highest index among the covering objects
    top = np.where(mask, np.arange(1, m + 1)[None, :, None, None], 0).max(axis=1)   # 0 = none
    covered = top > 0
    idx = np.maximum(top - 1, 0)
    rows = np.arange(n)[:, None, None]
    labels = np.where(covered, p["cls"][rows, idx], 0).astype(np.int64)
    colour = p["colour"][rows, idx]                                  # (n, H, W, 3)
    image = _background(rng, n, size)
    image = np.where(covered[:, None], np.moveaxis(colour, -1, 1), image)
    image = image + noise * rng.standard_normal(image.shape)
    return np.clip(image, 0.0, 1.0).astype(np.float32), labels


def colourize(labels) -> np.ndarray:
    """RGB picture ``(..., H, W, 3)`` of a label map ``(..., H, W)`` in :data:`CLASS_COLOURS` (for figures).

    Accepts a NumPy array or a torch tensor of integer labels in ``0 .. NUM_CLASSES - 1``.
    Raises ``TypeError`` for non-integer labels and ``ValueError`` for labels out of range.
    """
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    if not isinstance(labels, np.ndarray):
        raise TypeError(f"labels must be a numpy.ndarray or a torch.Tensor, got {type(labels).__name__}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must have an integer dtype, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise ValueError(f"labels must be in 0..{NUM_CLASSES - 1}, got values from {labels.min()} to {labels.max()}")
    return CLASS_COLOURS[labels]


class ShapesDataset(Dataset):
    """The data of :func:`make_shapes` as a torch ``Dataset`` of ``(image, label)`` pairs.

    ``image``: float32 tensor ``(3, H, W)``; ``label``: int64 tensor ``(H, W)``. The arrays are generated once
    at construction (same arguments and errors as :func:`make_shapes`); ``images`` and ``labels`` hold them as
    tensors ``(N, 3, H, W)`` and ``(N, H, W)``.
    """

    def __init__(self, num_images: int, image_size: int = 64, seed: int = 0, noise: float = 0.08):
        images, labels = make_shapes(num_images, image_size, seed, noise)
        self.images = torch.from_numpy(images)
        self.labels = torch.from_numpy(labels)
        self.image_size = image_size
        self.seed = seed

    def __len__(self) -> int:
        return self.images.shape[0]

    def __getitem__(self, index):
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"index must be an int, got {_show(index)}")
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"index must be in -{n}..{n - 1}, got {index}")
        return self.images[index], self.labels[index]

    def __repr__(self) -> str:
        return f"ShapesDataset({len(self)} images of {self.image_size}x{self.image_size}, seed={self.seed})"
