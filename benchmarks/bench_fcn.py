"""Benchmark of updown.fcn: training-step and inference time of FCN-32s/16s/8s, and the bilinear upsampling layer.

Two tables, measured side by side in one run (median of several repeats, same inputs, one CPU thread):

1. the FCN's 2x ``ConvTranspose2d`` initialised to bilinear (what the network runs) against
   ``torch.nn.functional.interpolate(mode="bilinear")`` (PyTorch's own bilinear upsampling) on the same scores;
2. one training step (forward, backward, Adam) and one inference pass per variant, batch 16 at the book's size,
   with the ratio to FCN-32s: the cost of the skips.

No timed assertions: the numbers depend on the machine and its load.
"""
from __future__ import annotations

import statistics
import time

import torch
import torch.nn.functional as F

from updown.data import NUM_CLASSES, make_shapes
from updown.fcn import DEFAULTS, FCN, VARIANTS


def _median_time(fn, repeats: int = 7, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print("2x bilinear upsampling of class scores (N=16, K=5): ConvTranspose2d (ours) vs F.interpolate")
    print(f"{'input':>8} {'ours (ms)':>10} {'torch (ms)':>11} {'ours/torch':>11}")
    for side in (2, 4, 8, 16, 32):
        y = torch.randn(16, NUM_CLASSES, side, side)
        layer = FCN(NUM_CLASSES, "8s").upscore2
        with torch.no_grad():
            ours = _median_time(lambda: layer(y))
            theirs = _median_time(lambda: F.interpolate(y, scale_factor=2, mode="bilinear", align_corners=False))
        print(f"{side:>5}x{side:<2} {ours * 1e3:10.3f} {theirs * 1e3:11.3f} {ours / theirs:11.2f}")

    size = DEFAULTS["image_size"]
    x, labels = make_shapes(16, size, seed=0)
    x, labels = torch.from_numpy(x), torch.from_numpy(labels)
    print(f"\none step on a batch of 16 images of {size}x{size} (1 thread)")
    print(f"{'variant':>8} {'train step (ms)':>16} {'inference (ms)':>15} {'train vs 32s':>13}")
    base = None
    for v in VARIANTS:
        model = FCN(NUM_CLASSES, v)
        opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3)

        def step():
            loss = F.cross_entropy(model(x), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()

        model.train()
        t_train = _median_time(step, repeats=5)
        model.eval()
        with torch.no_grad():
            t_inf = _median_time(lambda: model(x), repeats=5)
        base = base or t_train
        print(f"FCN-{v:<4} {t_train * 1e3:16.1f} {t_inf * 1e3:15.1f} {t_train / base:13.2f}")


if __name__ == "__main__":
    main()
