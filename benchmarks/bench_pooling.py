"""Benchmark of updown.pooling against PyTorch's CPU kernels (side by side, same input, median of repeats).

A 1x3x1024x1024 float32 image (a photograph-sized RGB input), pooled by max_pool2d (with and without indices),
avg_pool2d and max_unpool2d, with k=2, s=2 and with k=3, s=2, padding=1. PyTorch is timed with one thread (NumPy
uses one core) and, for reference, with its default number of threads. Every case also checks that the two
results agree, so the timings compare equal work.
"""
from __future__ import annotations

import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

from updown import pooling as P


def median_times(ours, ref, repeats: int = 15) -> tuple[float, float]:
    """Median times of ``ours()`` and ``ref()``, run alternately so that both see the same machine load."""
    ours()
    ref()  # warm-up
    t_ours, t_ref = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ours()
        t1 = time.perf_counter()
        ref()
        t2 = time.perf_counter()
        t_ours.append(t1 - t0)
        t_ref.append(t2 - t1)
    return statistics.median(t_ours), statistics.median(t_ref)


def main() -> None:
    default_threads = torch.get_num_threads()
    rng = np.random.default_rng(0)
    x = rng.random((1, 3, 1024, 1024), dtype=np.float32)
    xt = torch.from_numpy(x)
    cases = []
    for k, s, p in ((2, 2, 0), (3, 2, 1)):
        y, idx = P.max_pool2d(x, k, s, p, return_indices=True)
        yt, it = F.max_pool2d(xt, k, s, p, return_indices=True)
        assert np.array_equal(y, yt.numpy()) and np.array_equal(idx, it.numpy())
        assert np.allclose(P.avg_pool2d(x, k, s, p), F.avg_pool2d(xt, k, s, p).numpy(), atol=1e-6)
        assert np.array_equal(P.max_unpool2d(y, idx, k, s, p, output_size=x.shape[-2:]),
                              F.max_unpool2d(yt, it, k, s, p, output_size=x.shape[-2:]).numpy())
        tag = f"k={k}, s={s}, p={p}"
        cases += [
            (f"max_pool2d {tag}", lambda: P.max_pool2d(x, k, s, p), lambda: F.max_pool2d(xt, k, s, p)),
            (f"max_pool2d {tag}, return_indices", lambda: P.max_pool2d(x, k, s, p, return_indices=True),
             lambda: F.max_pool2d(xt, k, s, p, return_indices=True)),
            (f"avg_pool2d {tag}", lambda: P.avg_pool2d(x, k, s, p), lambda: F.avg_pool2d(xt, k, s, p)),
            (f"max_unpool2d {tag}", lambda: P.max_unpool2d(y, idx, k, s, p, output_size=x.shape[-2:]),
             lambda: F.max_unpool2d(yt, it, k, s, p, output_size=x.shape[-2:])),
        ]
    print(f"input: float32 {x.shape}; NumPy {np.__version__}, torch {torch.__version__}; "
          f"ratio = ours / torch (below 1: ours is faster); median of 15 alternating runs")
    print(f"{'case':40s} {'ours (ms)':>10s} {'torch 1 thr':>12s} {'ratio':>7s} "
          f"{f'torch {default_threads} thr':>12s} {'ratio':>7s}")
    for name, ours_fn, ref_fn in cases:
        torch.set_num_threads(1)
        ours, ref1 = median_times(ours_fn, ref_fn)
        torch.set_num_threads(default_threads)
        _, refn = median_times(ours_fn, ref_fn)
        print(f"{name:40s} {ours * 1e3:10.2f} {ref1 * 1e3:12.2f} {ours / ref1:7.2f} {refn * 1e3:12.2f} "
              f"{ours / refn:7.2f}")
    print()


if __name__ == "__main__":
    main()
