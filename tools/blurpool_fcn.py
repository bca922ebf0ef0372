"""FCN-8s with max pooling and with max-blur pooling, over several seeds: the anti-aliasing chapter's long run.

    .venv/bin/python tools/blurpool_fcn.py            # writes notebooks/results/blurpool_fcn.json (~15 min)

For each seed the network (``updown.fcn.FCN``, variant 8s) is built once under that seed; the anti-aliased one is
``updown.antialias.antialias_fcn`` of it (its five ``MaxPool2d(2, 2)`` replaced by ``MaxBlurPool2d`` with the
4-tap binomial filter, no new parameters), so both start from the same weights and see the same data and batch
order: a paired comparison. Each is trained with ``updown.fcn.train_fcn`` (one thread, deterministic kernels,
the book's settings ``updown.fcn.DEFAULTS``) and evaluated on the held-out images: mean IoU, boundary F1, pixel
accuracy, the shift consistency of ``updown.antialias.shift_consistency`` (shifts 1..8 of the 96-px test images,
88-px windows) per shift, the training seconds and the seconds of one prediction pass over the test images
(best of three, one thread).

The CPU variation is measured on one seed by running it again in a child process under each emulated CPU of
``make test-portable`` (one child at a time, alongside the native runs). The results file records ``code_hash``
(:func:`code_hash`: the code, docstrings left out, of the objects the runs use, and the settings), and
``tests/test_blurpool.py`` fails when it no longer matches the code.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import inspect
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import types
from pathlib import Path

import numpy as np
import torch

from updown import _cache, _checks, antialias, data, fcn, metrics, pooling, transposed

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "notebooks" / "results" / "blurpool_fcn.json"
KINDS = ("max", "maxblur")
LABELS = {"max": "max pooling", "maxblur": "max-blur pooling"}
SETTINGS = dict(fcn.DEFAULTS, variant="8s", seeds=[0, 1, 2], kinds=list(KINDS), threads=1, device="cpu",
                filt_size=4, max_shift=8, variation_seed=0)
#: The emulated CPUs of ``make test-portable``.
CPUS = {
    "sse41": {"ATEN_CPU_CAPABILITY": "default", "ONEDNN_MAX_CPU_ISA": "SSE41",
              "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR", "OMP_NUM_THREADS": "1"},
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2",
             "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR", "OMP_NUM_THREADS": "2"},
}
METRICS = ("mean_iou", "boundary_f1", "pixel_accuracy", "consistency", "seconds", "predict_seconds")

#: The objects of each module the runs use (the modules also hold other things that change more often).
PARTS = {
    fcn: ("FCN", "_stage", "_bilinear_up", "select_device", "_reproducible", "_as_images", "_as_labels",
          "train_fcn", "predict", "evaluate", "make_split", "DEFAULTS", "NUM_CLASSES", "STRIDES"),
    transposed: ("bilinear_kernel", "bilinear_weight", "bilinear_padding", "_factor", "_positive_int"),
    pooling: ("BLUR_FILTER_SIZES", "binomial_filter", "_binomial_filter_core", "_one_int"),
    antialias: ("BlurPool2d", "MaxBlurPool2d", "antialias_fcn", "shift_consistency", "_shift_consistency_core",
                "_int", "_filt_size"),
}


def _code_only(source: str) -> str:
    """``source`` parsed and printed again without docstrings or comments: what runs."""
    tree = ast.parse(textwrap.dedent(source))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
                    and isinstance(first.value.value, str):
                node.body = node.body[1:] or [ast.Pass()]
    return ast.unparse(tree)


def parts_source(module, names) -> str:
    parts = []
    for name in names:
        obj = getattr(module, name)
        parts.append(_code_only(inspect.getsource(obj)) if callable(obj) else f"{name} = {obj!r}")
    for name in sorted(vars(module)):                 # the teaching cores behind the public functions
        if name.endswith("_core") and name not in names and any(name.startswith(f"_{n}") for n in names):
            parts.append(_code_only(inspect.getsource(getattr(module, name))))
    return "\n".join(parts)


def modules():
    """The modules whose whole source the results depend on (this script included)."""
    script = types.ModuleType("tools.blurpool_fcn")
    script.__file__ = str(Path(__file__).resolve())
    return [script, data, metrics, _checks]


def code_hash(settings: dict | None = None) -> str:
    """``updown._cache.code_hash`` of :func:`modules` and the settings, with the code of :data:`PARTS`."""
    digests = {f"{m.__name__}_code_sha256": hashlib.sha256(parts_source(m, names).encode()).hexdigest()
               for m, names in PARTS.items()}
    return _cache.code_hash(modules(), dict(settings or SETTINGS, **digests))


def build(kind: str, seed: int) -> fcn.FCN:
    """FCN-8s built under ``seed``; for ``"maxblur"`` its anti-aliased copy (the same weights)."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = fcn.FCN(data.NUM_CLASSES, SETTINGS["variant"])
    if kind == "maxblur":
        return antialias.antialias_fcn(model, SETTINGS["filt_size"])
    if kind != "max":
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return model


def predict_seconds(model, images, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fcn.predict(model, images, threads=SETTINGS["threads"])
        best = min(best, time.perf_counter() - start)
    return best


def run(seed: int, kinds=KINDS, log=print) -> list[dict]:
    """Train and evaluate every kind for one seed; one row per kind."""
    s = SETTINGS
    train_x, train_y, test_x, test_y = fcn.make_split(seed, s["image_size"], s["num_train"], s["num_test"])
    rows = []
    for kind in kinds:
        model = build(kind, seed)
        start = time.perf_counter()
        fcn.train_fcn(model, train_x, train_y, epochs=s["epochs"], batch_size=s["batch_size"], lr=s["lr"],
                      seed=seed, device=s["device"], threads=s["threads"], progress=False)
        seconds = time.perf_counter() - start
        scores = fcn.evaluate(model, test_x, test_y, threads=s["threads"])
        per_shift = antialias.shift_consistency(lambda x: fcn.predict(model, x, threads=s["threads"]), test_x,
                                                s["max_shift"], per_shift=True)
        row = {"kind": kind, "seed": seed, "mean_iou": scores["mean_iou"], "boundary_f1": scores["boundary_f1"],
               "pixel_accuracy": scores["pixel_accuracy"], "class_iou": scores["class_iou"],
               "consistency": float(per_shift.mean()), "consistency_per_shift": [float(v) for v in per_shift],
               "seconds": seconds, "predict_seconds": predict_seconds(model, test_x)}
        log(f"seed {seed} {kind:8s} mIoU {row['mean_iou']:.3f}  BF1 {row['boundary_f1']:.3f}  "
            f"consistency {row['consistency']:.4f}  {seconds:.0f} s  predict {row['predict_seconds']:.2f} s",
            flush=True)
        rows.append(row)
    return rows


def summarise(result: dict) -> dict:
    """Mean and standard deviation (ddof=1) over seeds, the paired differences maxblur - max, and the CPU
    variation (largest distance of an emulated CPU's value from the native one, seed ``variation_seed``)."""
    runs, table = result["runs"], {}
    for kind in result["settings"]["kinds"]:
        rows = [r for r in runs if r["kind"] == kind]
        entry = {}
        for m in METRICS:
            values = np.array([r[m] for r in rows])
            native = next(r[m] for r in rows if r["seed"] == result["settings"]["variation_seed"])
            cpu = max((abs(r[m] - native) for cpu_rows in result["cpu_runs"].values() for r in cpu_rows
                       if r["kind"] == kind), default=float("nan"))
            entry[m] = {"mean": float(values.mean()), "std": float(values.std(ddof=1)), "cpu": float(cpu),
                        "values": [float(v) for v in values]}
        shifts = np.array([r["consistency_per_shift"] for r in rows])
        entry["consistency_per_shift"] = {"mean": [float(v) for v in shifts.mean(0)],
                                          "min": [float(v) for v in shifts.min(0)],
                                          "max": [float(v) for v in shifts.max(0)]}
        table[kind] = entry
    diff = {}
    for m in METRICS:
        by_seed = {r["seed"]: r[m] for r in runs if r["kind"] == "max"}
        d = np.array([r[m] - by_seed[r["seed"]] for r in runs if r["kind"] == "maxblur"])
        diff[m] = {"mean": float(d.mean()), "min": float(d.min()), "max": float(d.max()),
                   "values": [float(v) for v in d]}
    table["maxblur_minus_max"] = diff
    return table


def _emulated(cpus, seed: int, out: dict) -> None:
    """Run ``seed`` under each emulated CPU in turn (child processes); store ``{cpu: parsed output}`` in ``out``."""
    for cpu in cpus:
        env = dict(os.environ, **CPUS[cpu])
        done = subprocess.run([sys.executable, __file__, "--one-seed", str(seed)], env=env, capture_output=True,
                              text=True)
        out[cpu] = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else \
            {"error": done.stderr[-2000:]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default %(default)s)")
    parser.add_argument("--cpus", nargs="*", default=list(CPUS), choices=list(CPUS),
                        help="emulated CPUs to rerun the variation seed under (default: all)")
    parser.add_argument("--one-seed", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    started_with = code_hash()
    if args.one_seed is not None:       # a child process under an emulated CPU: print its rows as JSON
        print(json.dumps({"code_hash": started_with, "rows": run(args.one_seed, log=lambda *a, **k: None)}))
        return 0
    start = time.perf_counter()
    children: dict = {}
    worker = threading.Thread(target=_emulated, args=(args.cpus, SETTINGS["variation_seed"], children))
    worker.start()
    runs = [row for seed in SETTINGS["seeds"] for row in run(seed)]
    print("waiting for the emulated CPUs ...", flush=True)
    worker.join()
    cpu_runs = {}
    for cpu, child in children.items():
        if "error" in child:
            print(f"error: the {cpu} run failed:\n{child['error']}")
            return 1
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
