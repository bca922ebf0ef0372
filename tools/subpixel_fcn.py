"""FCN-8s with four kinds of learnable 2x upsampling, over several seeds: the sub-pixel chapter's long run.

    .venv/bin/python tools/subpixel_fcn.py            # writes notebooks/results/subpixel_fcn.json (~15 min)

The two learnable 2x layers of FCN-8s (``upscore2``, ``upscore_pool4``) are, in turn:

* ``transposed``: ``ConvTranspose2d(K, K, 4, stride=2, padding=1)`` initialised bilinear (the FCN paper, and
  ``updown.fcn`` as it is);
* ``resize_conv``: nearest resize by 2, then a 3x3 convolution (PyTorch's default initialisation);
* ``subpixel``: a 3x3 convolution to 4K channels, then pixel shuffle (PyTorch's default initialisation);
* ``subpixel_icnr``: the same layer with the ICNR initialisation of ``updown.subpixel.icnr``.

For each seed the network is built once under that seed and the two layers are then replaced, so the four
variants share the backbone's initial weights, the data and the batch order: a paired comparison. Each run is
trained with ``updown.fcn.train_fcn`` (one thread, deterministic kernels) and evaluated on the held-out images:
mean IoU, boundary F1, and the checkerboard score (``updown.subpixel.checkerboard_score``, stride 2) of the
class scores that ``upscore_pool4`` outputs on the test images, before and after training.

The CPU variation is measured on one seed by running it again in a fresh process under each emulated CPU of
``make test-portable`` (environment variables that must be set before torch is imported). The results file
records ``code_hash`` (:func:`code_hash`: the modules of :func:`modules`, the parts of ``updown.fcn`` and
``updown.transposed`` it uses, and the settings), and
``tests/test_subpixel.py`` fails when it no longer matches the code.
"""
from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from updown import _cache, _checks, data, fcn, metrics, subpixel, transposed

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "notebooks" / "results" / "subpixel_fcn.json"
KINDS = ("transposed", "resize_conv", "subpixel", "subpixel_icnr")
LABELS = {"transposed": "transposed conv (bilinear init)", "resize_conv": "resize-conv (nearest, 3x3)",
          "subpixel": "sub-pixel (random init)", "subpixel_icnr": "sub-pixel (ICNR)"}
SETTINGS = dict(fcn.DEFAULTS, variant="8s", seeds=[0, 1, 2, 3], kinds=list(KINDS), threads=1, device="cpu",
                score_layer="upscore_pool4", score_stride=2, variation_seed=0)
#: The emulated CPUs (as in ``make test-portable``); native is the machine itself.
CPUS = {
    "sse41": {"ATEN_CPU_CAPABILITY": "default", "ONEDNN_MAX_CPU_ISA": "SSE41",
              "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4", "OMP_NUM_THREADS": "1"},
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2", "NPY_DISABLE_CPU_FEATURES": "X86_V4",
             "OMP_NUM_THREADS": "2"},
}
METRICS = ("mean_iou", "boundary_f1", "pixel_accuracy", "checkerboard_init", "checkerboard_trained")


#: The parts of ``updown.fcn`` the runs use. That module also holds its chapter's variation tools and CLI,
#: which change often and do not touch these results, so its hash covers the source of these objects only.
FCN_PARTS = ("FCN", "_stage", "_bilinear_up", "select_device", "_reproducible", "_as_images", "_as_labels",
             "train_fcn", "predict", "evaluate", "make_split", "DEFAULTS", "NUM_CLASSES", "STRIDES")


#: The same for ``updown.transposed``, of which the runs use the bilinear kernel only.
TRANSPOSED_PARTS = ("bilinear_kernel", "bilinear_weight", "bilinear_padding", "_factor", "_positive_int")


def modules():
    """The modules whose whole source the results depend on (this script included, under one name)."""
    script = types.ModuleType("tools.subpixel_fcn")
    script.__file__ = str(Path(__file__).resolve())
    return [script, subpixel, data, metrics, _checks]


def parts_source(module, names) -> str:
    """The source of the objects ``names`` of ``module`` (values by ``repr``), those a core may call included."""
    parts = []
    for name in names:
        obj = getattr(module, name)
        parts.append(inspect.getsource(obj) if callable(obj) else f"{name} = {obj!r}")
    for name in sorted(vars(module)):                 # the teaching cores behind the public functions
        if name.endswith("_core") and any(name.startswith(f"_{n}") for n in names):
            parts.append(inspect.getsource(getattr(module, name)))
    return "\n".join(parts)


def fcn_source() -> str:
    return parts_source(fcn, FCN_PARTS)


def code_hash(settings: dict | None = None) -> str:
    """``updown._cache.code_hash`` of :func:`modules` and the settings, with the used source of ``fcn`` and
    ``transposed``."""
    digests = {f"{m.__name__}_source_sha256": hashlib.sha256(parts_source(m, names).encode()).hexdigest()
               for m, names in ((fcn, FCN_PARTS), (transposed, TRANSPOSED_PARTS))}
    return _cache.code_hash(modules(), dict(settings or SETTINGS, **digests))


def upsampler(kind: str, channels: int) -> nn.Module:
    """The 2x layer of ``kind`` for ``channels`` class-score maps (built from torch's global generator)."""
    if kind == "transposed":
        layer = nn.ConvTranspose2d(channels, channels, 4, stride=2, padding=transposed.bilinear_padding(2),
                                   bias=False)
        with torch.no_grad():
            layer.weight.copy_(transposed.bilinear_weight(channels, 2))
        return layer
    if kind == "resize_conv":
        return subpixel.ResizeConv2d(channels, channels, 2, kernel_size=3)
    if kind == "subpixel":
        return subpixel.SubPixelConv2d(channels, channels, 2, kernel_size=3)
    if kind == "subpixel_icnr":
        return subpixel.SubPixelConv2d(channels, channels, 2, kernel_size=3, init="icnr")
    raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")


def build(kind: str, seed: int) -> fcn.FCN:
    """FCN-8s built under ``seed``, its two learnable 2x layers replaced by ``kind`` (seeded by ``seed`` too)."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = fcn.FCN(data.NUM_CLASSES, SETTINGS["variant"])
        torch.manual_seed(10_000 + seed)
        model.upscore2 = upsampler(kind, data.NUM_CLASSES)
        model.upscore_pool4 = upsampler(kind, data.NUM_CLASSES)
    return model


@torch.no_grad()
def score_checkerboard(model: fcn.FCN, images: np.ndarray) -> float:
    """Checkerboard score (stride 2) of the upsampled class scores of ``upscore_pool4`` on ``images``."""
    model.eval()
    maps = model.trace(torch.from_numpy(images).float())[SETTINGS["score_layer"]]
    return subpixel.checkerboard_score(maps.double().numpy(), SETTINGS["score_stride"])


def run(seed: int, kinds=KINDS, log=print) -> list[dict]:
    """Train and evaluate every kind for one seed; one row per kind."""
    s = SETTINGS
    train_x, train_y, test_x, test_y = fcn.make_split(seed, s["image_size"], s["num_train"], s["num_test"])
    rows = []
    for kind in kinds:
        model = build(kind, seed)
        before = score_checkerboard(model, test_x)
        start = time.perf_counter()
        fcn.train_fcn(model, train_x, train_y, epochs=s["epochs"], batch_size=s["batch_size"], lr=s["lr"],
                      seed=seed, device=s["device"], threads=s["threads"], progress=False)
        seconds = time.perf_counter() - start
        scores = fcn.evaluate(model, test_x, test_y, threads=s["threads"])
        row = {"kind": kind, "seed": seed, "mean_iou": scores["mean_iou"], "boundary_f1": scores["boundary_f1"],
               "pixel_accuracy": scores["pixel_accuracy"], "checkerboard_init": before,
               "checkerboard_trained": score_checkerboard(model, test_x), "seconds": seconds}
        log(f"seed {seed} {kind:14s} mIoU {row['mean_iou']:.3f}  BF1 {row['boundary_f1']:.3f}  "
            f"cb {before:.3f} -> {row['checkerboard_trained']:.3f}  {seconds:.0f} s")
        rows.append(row)
    return rows


def _start_emulated(cpu: str, seed: int) -> subprocess.Popen:
    """A child process that trains ``seed`` under the emulated ``cpu`` and prints ``{"code_hash", "rows"}``."""
    env = dict(os.environ, **CPUS[cpu])
    return subprocess.Popen([sys.executable, __file__, "--one-seed", str(seed)], env=env,
                            stdout=subprocess.PIPE, text=True)


def summarise(result: dict) -> dict:
    """Mean and standard deviation (ddof=1) over seeds, and the CPU variation, per kind and metric."""
    table = {}
    for kind in result["settings"]["kinds"]:
        rows = [r for r in result["runs"] if r["kind"] == kind]
        entry = {}
        for m in METRICS:
            values = np.array([r[m] for r in rows])
            native = next(r[m] for r in rows if r["seed"] == result["settings"]["variation_seed"])
            cpu = max((abs(r[m] - native) for runs in result["cpu_runs"].values() for r in runs
                       if r["kind"] == kind), default=0.0)
            entry[m] = {"mean": float(values.mean()), "std": float(values.std(ddof=1)), "cpu": float(cpu),
                        "values": [float(v) for v in values]}
        table[kind] = entry
    return table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default %(default)s)")
    parser.add_argument("--one-seed", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # The hash of the code as imported: the code that runs. Files edited while this runs make it stale.
    started_with = code_hash()
    if args.one_seed is not None:       # a child process under an emulated CPU: print its rows as JSON
        print(json.dumps({"code_hash": started_with, "rows": run(args.one_seed, log=lambda *a: None)}))
        return 0
    start = time.perf_counter()
    children = {cpu: _start_emulated(cpu, SETTINGS["variation_seed"]) for cpu in CPUS}  # alongside
    runs = [row for seed in SETTINGS["seeds"] for row in run(seed)]
    cpu_runs = {}
    for cpu, process in children.items():
        print(f"seed {SETTINGS['variation_seed']} under the emulated CPU {cpu} ...", flush=True)
        out, _ = process.communicate()
        if process.returncode:
            raise RuntimeError(f"the {cpu} run failed (exit code {process.returncode})")
        child = json.loads(out.strip().splitlines()[-1])
        if child["code_hash"] != started_with:
            print(f"error: the code changed while this ran (the {cpu} run saw other code); run again")
            return 1
        cpu_runs[cpu] = child["rows"]
    if code_hash() != started_with:
        print("warning: the code changed while this ran; the file records the hash of the code that ran, "
              "so the test will report it stale: run again")
    result = {"code_hash": started_with, "settings": SETTINGS, "machine": _cache.cpu_config(), "runs": runs,
              "cpu_runs": cpu_runs, "minutes": (time.perf_counter() - start) / 60}
    result["summary"] = summarise(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"wrote {args.out} (code hash {result['code_hash']}) in {result['minutes']:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
