"""Benchmark of updown's blur pooling against Zhang's reference modules (antialiased-cnns), side by side.

A 1x16x256x256 float32 feature map (the size of the book's FCN's first stage for a 256-px image), pooled by
``blur_pool2d`` and ``max_blur_pool2d`` (NumPy, ``updown.pooling``), by ``updown.antialias.BlurPool2d`` /
``MaxBlurPool2d`` (torch) and by the reference's ``BlurPool`` (``antialiased_cnns/blurpool.py``, loaded alone
because the package's ``__init__`` imports torchvision) after ``nn.MaxPool2d(k, stride=1)``, for the default
4-tap filter and the 7-tap one. Torch runs with one thread, as NumPy does; every case checks that the results
agree, so the timings compare equal work. Ratios come from one run, measured alternately; no timed assertions.
"""
from __future__ import annotations

import importlib.util
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from updown import antialias as A
from updown import pooling as P


def reference():
    spec = importlib.util.find_spec("antialiased_cnns")
    path = Path(spec.submodule_search_locations[0]) / "blurpool.py"
    module_spec = importlib.util.spec_from_file_location("antialiased_cnns_blurpool", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def median_times(fns, repeats: int = 15) -> list[float]:
    """Median time of each function of ``fns``, run in turn so that all see the same machine load."""
    for f in fns:
        f()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for t, f in zip(times, fns):
            start = time.perf_counter()
            f()
            t.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


@torch.no_grad()
def main() -> None:
    torch.set_num_threads(1)
    ref = reference()
    x = np.random.default_rng(0).random((1, 16, 256, 256), dtype=np.float32)
    xt = torch.from_numpy(x)
    print(f"input: float32 {x.shape}; NumPy {np.__version__}, torch {torch.__version__} (1 thread); "
          f"ratio = time / reference's; median of 15 alternating runs")
    print(f"{'case':34s} {'numpy (ms)':>11s} {'ours, torch':>12s} {'reference':>10s} {'numpy/ref':>10s} "
          f"{'torch/ref':>10s}")
    for f in (4, 7):
        blur_ref = ref.BlurPool(16, filt_size=f, stride=2)
        max_ref = torch.nn.Sequential(torch.nn.MaxPool2d(2, stride=1), ref.BlurPool(16, filt_size=f, stride=2))
        blur_ours, max_ours = A.BlurPool2d(16, f, 2), A.MaxBlurPool2d(16, 2, f, 2)
        cases = [(f"blur pool, {f} taps", lambda: P.blur_pool2d(x, f, 2), lambda: blur_ours(xt),
                  lambda: blur_ref(xt)),
                 (f"max-blur pool, {f} taps", lambda: P.max_blur_pool2d(x, 2, f, 2), lambda: max_ours(xt),
                  lambda: max_ref(xt))]
        for name, numpy_fn, torch_fn, ref_fn in cases:
            expected = ref_fn().numpy()
            assert np.abs(numpy_fn() - expected).max() < 1e-5 and np.abs(torch_fn().numpy() - expected).max() < 1e-5
            t_np, t_torch, t_ref = median_times([numpy_fn, torch_fn, ref_fn])
            print(f"{name:34s} {t_np * 1e3:11.2f} {t_torch * 1e3:12.2f} {t_ref * 1e3:10.2f} "
                  f"{t_np / t_ref:10.2f} {t_torch / t_ref:10.2f}")


if __name__ == "__main__":
    main()
