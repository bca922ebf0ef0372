"""Benchmark of updown.decoders: cost of each family, and the two learned upsamplers against nearest and bilinear.

Two tables, measured side by side in one run (median of several repeats, same inputs, one CPU thread):

1. per family, one training step (forward, backward, Adam) and one inference pass on a batch of 16 images at the
   book's size, the ratio of the step to FCN-8s's, the parameters and the activation memory of one forward pass
   (:func:`updown.dilated.activation_bytes`);
2. one 2x upsampling of a 64-channel map: nearest and bilinear (``F.interpolate``), CARAFE and DySample (kernel
   or offset prediction included), forward only.

No timed assertions: the numbers depend on the machine and its load. Run: ``python benchmarks/bench_decoders.py``.
"""
from __future__ import annotations

import statistics
import time

import torch
import torch.nn.functional as F

from updown import decoders as D
from updown.data import NUM_CLASSES, make_shapes
from updown.dilated import activation_bytes
from updown.fcn import DEFAULTS


def _median_time(fn, repeats: int = 5, warmup: int = 1) -> float:
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
    size = DEFAULTS["image_size"]
    x, labels = make_shapes(16, size, seed=0)
    x, labels = torch.from_numpy(x), torch.from_numpy(labels)
    print(f"one step on a batch of 16 images of {size}x{size} (1 thread)")
    print(f"{'family':<11} {'train step (ms)':>16} {'inference (ms)':>15} {'step / FCN-8s':>14} "
          f"{'parameters':>11} {'activations (MB)':>17}")
    base = None
    for name in D.FAMILIES:
        torch.manual_seed(0)
        model = D.build(name, NUM_CLASSES, size)
        opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3)

        def step():
            loss = F.cross_entropy(model(x), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()

        model.train()
        train = _median_time(step)
        model.eval()
        with torch.no_grad():
            infer = _median_time(lambda: model(x))
        base = base or train
        mb = activation_bytes(model, x[:1]) / 2**20
        print(f"{name:<11} {train * 1e3:16.1f} {infer * 1e3:15.1f} {train / base:14.2f} "
              f"{model.num_parameters:11,d} {mb:17.2f}")

    print("\n2x upsampling of a (16, 64, 24, 24) map, forward (1 thread)")
    print(f"{'upsampler':<10} {'ms':>8} {'vs nearest':>11}")
    torch.manual_seed(0)
    y = torch.randn(16, 64, 24, 24)
    ups = {"nearest": lambda t: F.interpolate(t, scale_factor=2, mode="nearest"),
           "bilinear": lambda t: F.interpolate(t, scale_factor=2, mode="bilinear", align_corners=False),
           "CARAFE": D.CARAFE(64), "DySample": D.DySample(64)}
    near = None
    with torch.no_grad():
        for name, up in ups.items():
            t = _median_time(lambda: up(y))
            near = near or t
            print(f"{name:<10} {t * 1e3:8.2f} {t / near:11.1f}")


if __name__ == "__main__":
    main()
