"""Parity with F.interpolate, shared by the interpolation and resize tests."""
import numpy as np
import torch
import torch.nn.functional as F

from updown.interpolation import interpolate


def torch_interpolate(x, **kw):
    """``F.interpolate`` of a NumPy array, back as a NumPy array."""
    return F.interpolate(torch.from_numpy(np.ascontiguousarray(x)), **kw).numpy()


def assert_matches_torch(x, tol, **kw):
    """``interpolate(x, **kw)`` equals ``F.interpolate`` (same shape and dtype; nearest modes bit for bit, the
    others within ``tol``, keyword arguments of ``np.testing.assert_allclose``) and leaves ``x`` unchanged."""
    before = x.copy()
    ours = interpolate(x, **kw)
    theirs = torch_interpolate(x, **kw)
    np.testing.assert_array_equal(x, before)  # the input is never modified
    assert ours.shape == theirs.shape, kw
    assert ours.dtype == x.dtype, kw
    if kw.get("mode", "nearest").startswith("nearest"):
        np.testing.assert_array_equal(ours, theirs, err_msg=str(kw))
    else:
        np.testing.assert_allclose(ours, theirs, **tol, err_msg=str(kw))
    return ours
