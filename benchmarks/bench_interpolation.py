"""Benchmark updown.interpolation.interpolate against torch.nn.functional.interpolate (CPU), side by side.

Same inputs, same run; ours and PyTorch's take turns in short blocks so that both see the same machine load, and
each time is the median of the calls. PyTorch is timed with its default thread count, then (a second phase) with
one thread, as NumPy runs on one core. Prints our time, PyTorch's and the ratio ours/torch for both phases.
Run: .venv/bin/python benchmarks/bench_interpolation.py   (or `make bench`). No timing is asserted anywhere.
"""
from __future__ import annotations

import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

from updown.interpolation import interpolate

ROUNDS, BLOCK = 3, 5   # each function runs BLOCK times in a row, in turn with the others, ROUNDS times


def side_by_side(fns) -> list[float]:
    """Median wall time of each function over ROUNDS * BLOCK calls, the functions taking turns block by block.

    Blocks rather than single calls: PyTorch's worker threads keep spinning for a while after each call, and on a
    busy machine that would be charged to whichever function runs next.
    """
    for fn in fns:
        fn()  # warm-up (allocations, first-call dispatch)
    times = [[] for _ in fns]
    for _ in range(ROUNDS):
        for k, fn in enumerate(fns):
            for _ in range(BLOCK):
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
    yield "bicubic 3x512x512 -> 1024x1024, align_corners=False", img, dict(size=(1024, 1024), mode="bicubic",
                                                                          align_corners=False)
    yield "bicubic 3x512x512 -> 1024x1024, align_corners=True", img, dict(size=(1024, 1024), mode="bicubic",
                                                                         align_corners=True)
    yield "bilinear antialias 3x512x512 -> 256x256", img, dict(size=(256, 256), mode="bilinear", antialias=True)
    yield "bilinear antialias 3x512x512 -> 128x128", img, dict(size=(128, 128), mode="bilinear", antialias=True)
    yield "bicubic antialias 3x512x512 -> 128x128", img, dict(size=(128, 128), mode="bicubic", antialias=True)
    yield "bicubic antialias 3x512x512 -> 700x700", img, dict(size=(700, 700), mode="bicubic", antialias=True)
    yield "lanczos antialias 3x512x512 -> 128x128", img, dict(size=(128, 128), mode="lanczos", antialias=True)
    yield "area 3x512x512 -> 96x96", img, dict(size=(96, 96), mode="area")


def main() -> None:
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__} ({threads} threads by default), numpy {np.__version__} (one thread); "
          f"float32; median of {ROUNDS * BLOCK} calls in alternating blocks of {BLOCK}")
    rows = []
    for name, x, kw in cases():
        t = torch.from_numpy(x)
        ours, theirs = side_by_side([lambda: interpolate(x, **kw), lambda: F.interpolate(t, **kw)])
        err = float(np.abs(interpolate(x, **kw) - F.interpolate(t, **kw).numpy()).max())
        rows.append([name, ours, theirs, err])
    torch.set_num_threads(1)   # second phase: PyTorch on one thread, like NumPy
    try:
        for row, (name, x, kw) in zip(rows, cases()):
            t = torch.from_numpy(x)
            row += side_by_side([lambda: interpolate(x, **kw), lambda: F.interpolate(t, **kw)])
    finally:
        torch.set_num_threads(threads)
    print(f"{'case':<53} {'ours':>7} {f'torch({threads})':>9} {'ratio':>6}   {'ours':>7} {'torch(1)':>9} {'ratio':>6}"
          f"  max|diff|")
    for name, ours, theirs, err, ours1, theirs1 in rows:
        print(f"{name:<53} {ours * 1e3:>5.2f}ms {theirs * 1e3:>7.2f}ms {ours / theirs:>5.2f}x   "
              f"{ours1 * 1e3:>5.2f}ms {theirs1 * 1e3:>7.2f}ms {ours1 / theirs1:>5.2f}x  {err:.1e}")


if __name__ == "__main__":
    main()
