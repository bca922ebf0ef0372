"""Benchmark updown.interpolation.interpolate against torch.nn.functional.interpolate (CPU), side by side.

Same inputs, same run; the calls alternate (ours, PyTorch's, ours, ...) so that both see the same machine load,
and each time is the median of the repeats. PyTorch is timed with its default thread count and with one thread
(NumPy runs on one core). Prints our time, PyTorch's and the ratios ours/torch.
Run: .venv/bin/python benchmarks/bench_interpolation.py   (or `make bench`). No timing is asserted anywhere.
"""
from __future__ import annotations

import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

from updown.interpolation import interpolate

REPEATS = 15


def side_by_side(fns, repeats: int = REPEATS) -> list[float]:
    """Median wall time of each function, calling them in turn in every repeat."""
    for fn in fns:
        fn()  # warm-up (allocations, first-call dispatch)
    times = [[] for _ in fns]
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]


def cases():
    rng = np.random.default_rng(0)
    img = rng.standard_normal((1, 3, 512, 512)).astype(np.float32)
    vol = rng.standard_normal((1, 1, 64, 64, 64)).astype(np.float32)
    yield "bilinear 3x512x512 -> 1024x1024, align_corners=False", img, dict(size=(1024, 1024), mode="bilinear",
                                                                           align_corners=False)
    yield "bilinear 3x512x512 -> 1024x1024, align_corners=True", img, dict(size=(1024, 1024), mode="bilinear",
                                                                          align_corners=True)
    yield "trilinear 1x64^3 -> 128^3", vol, dict(size=(128, 128, 128), mode="trilinear", align_corners=False)
    yield "nearest 3x512x512 -> 1024x1024", img, dict(size=(1024, 1024), mode="nearest")
    yield "nearest-exact 3x512x512 -> 1024x1024", img, dict(size=(1024, 1024), mode="nearest-exact")


def main() -> None:
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__} ({threads} threads by default), numpy {np.__version__}; float32; "
          f"median of {REPEATS}, calls interleaved")
    print(f"{'case':<53} {'ours ms':>8} {f'torch({threads}) ms':>15} {'ratio':>6} {'torch(1) ms':>12} "
          f"{'ratio':>6}  max|diff|")
    for name, x, kw in cases():
        t = torch.from_numpy(x)

        def torch_one_thread():
            torch.set_num_threads(1)
            try:
                F.interpolate(t, **kw)
            finally:
                torch.set_num_threads(threads)

        ours, theirs, theirs1 = side_by_side([lambda: interpolate(x, **kw), lambda: F.interpolate(t, **kw),
                                              torch_one_thread])
        err = float(np.abs(interpolate(x, **kw) - F.interpolate(t, **kw).numpy()).max())
        print(f"{name:<53} {ours * 1e3:>8.2f} {theirs * 1e3:>15.2f} {ours / theirs:>5.2f}x {theirs1 * 1e3:>12.2f} "
              f"{ours / theirs1:>5.2f}x  {err:.1e}")


if __name__ == "__main__":
    main()
