"""The checks of chapter 4's exercises pass the solutions and reject plausible wrong answers."""
import numpy as np
import pytest

from updown.exercises import check_exact_slices, check_trilinear_sample, check_trilinear_weights, check_weights_2x
from updown.exercises._common import ExerciseFailed


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise 4.x")


# ---- solutions, written independently of the checks' reference code ---------------------------------------------
def weights(tz, ty, tx):
    return np.einsum("a,b,c->abc", [1 - tz, tz], [1 - ty, ty], [1 - tx, tx])


def sample(volume, z, y, x):
    d, h, w = volume.shape
    z0, y0, x0 = (min(int(np.floor(c)), n - 1) for c, n in zip((z, y, x), (d, h, w)))
    z1, y1, x1 = min(z0 + 1, d - 1), min(y0 + 1, h - 1), min(x0 + 1, w - 1)
    # three 1D passes: along x, then y, then z
    def lerp(a, b, t):
        return (1 - t) * a + t * b
    tx, ty, tz = x - x0, y - y0, z - z0
    c = lerp(volume[:, :, x0], volume[:, :, x1], tx)
    c = lerp(c[:, y0], c[:, y1], ty)
    return float(lerp(c[z0], c[z1], tz))


def exact_slices(depth, factor):
    from updown.interpolation import interpolate  # brute force with the library, on a random volume

    rng = np.random.default_rng(0)
    v = rng.normal(size=(1, 1, depth, 3, 3))
    tri = interpolate(v, scale_factor=(factor, 1, 1), mode="trilinear", align_corners=False)[0, 0]
    rep = np.repeat(v[0, 0], factor, axis=0)
    return tuple(k for k in range(depth * factor) if np.allclose(tri[k], rep[k], atol=1e-12))


def test_weights_2x():
    assert "passed" in check_weights_2x(lambda: weights(0.25, 0.25, 0.25))
    for wrong in (lambda: np.full((2, 2, 2), 1 / 8), lambda: weights(0.75, 0.75, 0.75),
                  lambda: weights(0.5, 0.5, 0.5), lambda: np.einsum("b,c->bc", [0.75, 0.25], [0.75, 0.25]), _stub):
        with pytest.raises(ExerciseFailed, match="Exercise 4.1"):
            check_weights_2x(wrong)


def test_trilinear_weights():
    assert "passed" in check_trilinear_weights(weights)
    wrong_answers = [
        lambda tz, ty, tx: weights(tx, ty, tz),                      # axes swapped
        lambda tz, ty, tx: weights(1 - tz, 1 - ty, 1 - tx),          # distance instead of opposite distance
        lambda tz, ty, tx: weights(tz, ty, tx) / 2,                  # not a partition of unity
        lambda tz, ty, tx: np.einsum("a,b,c->abc", [1 - tz, tz], [1 - ty, ty], [1 - tx, tx]).sum(0),  # 2D
        _stub,
    ]
    for wrong in wrong_answers:
        with pytest.raises(ExerciseFailed, match="Exercise 4.2"):
            check_trilinear_weights(wrong)


def test_trilinear_sample():
    assert "passed" in check_trilinear_sample(sample)

    def nearest(volume, z, y, x):
        return float(volume[int(round(z)), int(round(y)), int(round(x))])

    def two_passes(volume, z, y, x):  # forgets the depth pass: bilinear on the nearest-below slice
        return sample(volume, float(np.floor(z)), y, x)

    def no_clamp(volume, z, y, x):  # reads past the last voxel when a coordinate is exactly D-1
        z0, y0, x0 = int(z), int(y), int(x)
        w = weights(z - z0, y - y0, x - x0)
        return float(sum(w[a, b, c] * volume[z0 + a, y0 + b, x0 + c]
                         for a in (0, 1) for b in (0, 1) for c in (0, 1)))

    for wrong in (nearest, two_passes, no_clamp, _stub):
        with pytest.raises(ExerciseFailed, match="Exercise 4.3"):
            check_trilinear_sample(wrong)


def test_trilinear_sample_does_not_see_modified_inputs():
    def modifies(volume, z, y, x):
        value = sample(volume, z, y, x)
        volume[...] = 0
        return value

    assert "passed" in check_trilinear_sample(modifies)


def test_exact_slices():
    assert "passed" in check_exact_slices(exact_slices)

    def interior_only(depth, factor):
        return tuple(k for k in exact_slices(depth, factor) if 0 < k < depth * factor - 1 or factor == 1)

    def off_by_half(depth, factor):  # believes slice k samples depth k / factor
        return tuple(k for k in range(depth * factor) if k % factor == 0)

    for wrong in (interior_only, off_by_half, _stub):
        with pytest.raises(ExerciseFailed, match="Exercise 4.4"):
            check_exact_slices(wrong)
