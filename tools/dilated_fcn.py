"""FCN-8s against a dilated backbone (output stride 8) with ASPP and bilinear upsampling: the dilated chapter's run.

    .venv/bin/python tools/dilated_fcn.py      # writes notebooks/results/dilated_fcn.json

(about 10 minutes of one core; 40 minutes on a busy machine.)

Both networks are trained on the book's shapes at ``image_size`` 128 (the OS-8 map is 16x16, the smallest map
from 12 cells up on which DeepLabv3's rates 6, 12, 18, scaled to the map by ``updown.dilated.aspp_rates``,
keep their ratio 1:2:3: rates 3, 6, 9), and the FCN chapter's other settings (``updown.fcn.DEFAULTS``: 6 epochs
of 256 images). For each seed both are built under that seed (the DeepLab backbone starts from the same stage
weights as the FCN's stages: both draw an FCN first) and trained by ``updown.fcn.train_fcn`` on one thread with the same data and
batch order, a paired comparison. Each row: mean IoU, boundary F1, pixel accuracy, per-class IoU (the thin
classes ``stroke`` and ``ring`` among them), training seconds (wall clock, on a machine shared with other jobs:
a rough figure) and activation bytes (``updown.dilated.activation_bytes``: forward hooks on the leaf modules,
one image, eval mode, float32).

The CPU variation is not measured here (one native run per seed); the chapter shows spreads over seeds.
The file records ``code_hash`` (:func:`code_hash`: the code of this script, ``data``, ``metrics``,
``_checks`` and the parts of ``fcn``, ``dilated`` and ``transposed`` the run uses, with the settings;
docstrings excluded); the chapter's loader (``updown.results.load_checked``) refuses the file when it no longer
matches.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import inspect
import json
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import torch

from updown import _cache, _checks, data, dilated, fcn, metrics, transposed

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "notebooks" / "results" / "dilated_fcn.json"
MODELS = ("fcn8s", "deeplab_os8")
LABELS = {"fcn8s": "FCN-8s (skips)", "deeplab_os8": "dilated OS-8 + ASPP + bilinear"}
SETTINGS = dict(fcn.DEFAULTS, image_size=128, seeds=[0, 1, 2], models=list(MODELS), threads=1, device="cpu",
                output_stride=8, aspp_channels=64, thin_classes=["stroke", "ring"])
METRICS = ("mean_iou", "boundary_f1", "pixel_accuracy", "iou_stroke", "iou_ring", "seconds", "activation_mb")

FCN_PARTS = ("FCN", "_stage", "_bilinear_up", "select_device", "_reproducible", "_as_images", "_as_labels",
             "train_fcn", "predict", "evaluate", "make_split", "DEFAULTS", "NUM_CLASSES", "STRIDES")
DILATED_PARTS = ("DilatedBackbone", "ASPP", "DeepLab", "aspp_rates", "_backbone_dilations",
                 "_check_output_stride", "_conv_bn_relu", "activation_bytes", "OUTPUT_STRIDES", "DEEPLAB_RATES",
                 "DEEPLAB_MAP")
TRANSPOSED_PARTS = ("bilinear_kernel", "bilinear_weight", "bilinear_padding", "_factor", "_positive_int")


def modules():
    """The modules whose whole source the results depend on (frozen this session: their text is hashed)."""
    return [data, metrics, _checks]


def code_only(source: str) -> str:
    """``source`` parsed, without its docstrings: ``ast.dump`` changes with the code, not with comments,
    docstrings or layout, so documentation edits do not make the results stale."""
    tree = ast.parse(textwrap.dedent(source))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def parts_source(module, names) -> str:
    """The code (:func:`code_only`) of the objects ``names`` of ``module`` (values by ``repr``) and of their
    teaching cores."""
    parts = []
    for name in names:
        obj = getattr(module, name)
        parts.append(code_only(inspect.getsource(obj)) if callable(obj) else f"{name} = {obj!r}")
    for name in sorted(vars(module)):
        if name.endswith("_core") and any(name.startswith(f"_{n}") for n in names):
            parts.append(code_only(inspect.getsource(getattr(module, name))))
    return "\n".join(parts)


def code_hash(settings: dict | None = None) -> str:
    """``updown._cache.code_hash`` of :func:`modules` and the settings, with the code of this script and of the
    used parts of three modules (:func:`parts_source`)."""
    digests = {f"{m.__name__}_source_sha256": hashlib.sha256(parts_source(m, names).encode()).hexdigest()
               for m, names in ((fcn, FCN_PARTS), (dilated, DILATED_PARTS), (transposed, TRANSPOSED_PARTS))}
    script = code_only(Path(__file__).read_text(encoding="utf8"))
    digests["script_sha256"] = hashlib.sha256(script.encode()).hexdigest()
    return _cache.code_hash(modules(), dict(settings or SETTINGS, **digests))


def build(model: str, seed: int) -> fcn.FCN:
    """``model`` (one of :data:`MODELS`) built under ``seed``."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        if model == "fcn8s":
            return fcn.FCN(data.NUM_CLASSES, "8s")
        if model == "deeplab_os8":
            return dilated.DeepLab(data.NUM_CLASSES, SETTINGS["output_stride"],
                                   aspp_channels=SETTINGS["aspp_channels"], image_size=SETTINGS["image_size"])
    raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")


def run(seed: int, models=MODELS, log=print) -> list[dict]:
    """Train and evaluate every model for one seed; one row per model."""
    s = SETTINGS
    train_x, train_y, test_x, test_y = fcn.make_split(seed, s["image_size"], s["num_train"], s["num_test"])
    rows = []
    for name in models:
        model = build(name, seed)
        activation = dilated.activation_bytes(model, torch.from_numpy(test_x[:1]))
        start = time.perf_counter()
        fcn.train_fcn(model, train_x, train_y, epochs=s["epochs"], batch_size=s["batch_size"], lr=s["lr"],
                      seed=seed, device=s["device"], threads=s["threads"], progress=False)
        seconds = time.perf_counter() - start
        scores = fcn.evaluate(model, test_x, test_y, threads=s["threads"])
        classes = dict(zip(data.CLASS_NAMES, scores["class_iou"]))
        row = {"model": name, "seed": seed, "mean_iou": scores["mean_iou"], "boundary_f1": scores["boundary_f1"],
               "pixel_accuracy": scores["pixel_accuracy"], "class_iou": scores["class_iou"],
               "iou_stroke": classes["stroke"], "iou_ring": classes["ring"], "seconds": seconds,
               "activation_mb": activation / 2**20,
               "parameters": sum(p.numel() for p in model.parameters())}
        log(f"seed {seed} {name:12s} mIoU {row['mean_iou']:.3f}  BF1 {row['boundary_f1']:.3f}  "
            f"stroke {row['iou_stroke']:.3f}  ring {row['iou_ring']:.3f}  {seconds:.0f} s  "
            f"{row['activation_mb']:.2f} MiB", flush=True)
        rows.append(row)
    return rows


def summarise(result: dict) -> dict:
    """Mean and standard deviation (ddof=1) over seeds, per model and metric, and the paired differences."""
    table = {}
    for name in result["settings"]["models"]:
        rows = sorted((r for r in result["runs"] if r["model"] == name), key=lambda r: r["seed"])
        table[name] = {m: {"mean": float(np.mean([r[m] for r in rows])),
                           "std": float(np.std([r[m] for r in rows], ddof=1)),
                           "values": [float(r[m]) for r in rows]} for m in METRICS}
    a, b = (table[m] for m in result["settings"]["models"])
    table["difference"] = {m: [float(y - x) for x, y in zip(a[m]["values"], b[m]["values"])] for m in METRICS}
    return table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default %(default)s)")
    args = parser.parse_args(argv)
    started_with = code_hash()
    start = time.perf_counter()
    runs = [row for seed in SETTINGS["seeds"] for row in run(seed)]
    if code_hash() != started_with:
        print("warning: the code changed while this ran; the file records the hash of the code that ran, "
              "so the chapter will report it stale: run again")
    result = {"code_hash": started_with, "settings": SETTINGS, "machine": _cache.cpu_config(), "runs": runs,
              "minutes": (time.perf_counter() - start) / 60}
    result["summary"] = summarise(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"wrote {args.out} (code hash {result['code_hash']}) in {result['minutes']:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
