"""Train every decoder family on the book's data with the book's settings and tabulate the results.

``python -m updown.decoders`` runs :func:`main`. Every network is built under the seed, trained by
:func:`updown.fcn.train_fcn` on one torch thread (so the numbers do not depend on the core count) and scored by
:func:`updown.fcn.evaluate` on the held-out images of :func:`updown.fcn.make_split`.
"""
from __future__ import annotations

import argparse
import base64
import json
import math
import sys
import time
import zlib
from typing import Any, Sequence

import numpy as np
import torch

from .. import _cache
from .. import data as _data
from .. import fcn as _fcn
from .. import metrics as _metrics
from .._checks import check_bool, check_choice, int_tuple
from ..data import CLASS_NAMES, NUM_CLASSES
from . import FAMILIES, build

#: The thin classes: strokes 1 to 2.5 pixels wide and rings with a 1.5 to 3 pixel band (see updown.data).
THIN_CLASSES = ("stroke", "ring")
#: The CLI's defaults: the FCN chapter's settings (``updown.fcn.DEFAULTS``) and one seed.
DEFAULTS = dict(_fcn.DEFAULTS, seeds=(0,))


def thin_iou(class_iou: Sequence[float]) -> float:
    """The mean IoU of :data:`THIN_CLASSES` from a per-class IoU list (ordered as ``updown.data.CLASS_NAMES``)."""
    values = [class_iou[CLASS_NAMES.index(c)] for c in THIN_CLASSES]
    return float(np.nanmean(values))


def encode_labels(labels: np.ndarray) -> dict[str, Any]:
    """A label array (ints 0..255) as ``{"shape", "zlib_base64"}``, small enough for a JSON results file."""
    a = np.ascontiguousarray(labels, dtype=np.uint8)
    return {"shape": list(a.shape), "zlib_base64": base64.b64encode(zlib.compress(a.tobytes(), 9)).decode()}


def decode_labels(record: dict[str, Any]) -> np.ndarray:
    """The array :func:`encode_labels` stored (uint8)."""
    raw = zlib.decompress(base64.b64decode(record["zlib_base64"]))
    return np.frombuffer(raw, dtype=np.uint8).reshape(record["shape"]).copy()


def _interactive() -> bool:
    """True in a terminal, False when stderr is not a TTY or under IPython/Jupyter (whose stderr a book build
    reports as an error)."""
    if "IPython" in sys.modules:
        try:
            if sys.modules["IPython"].get_ipython() is not None:
                return False
        except AttributeError:
            pass
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def compare_decoders(names: Sequence[str] = tuple(FAMILIES), *, seeds: Sequence[int] = DEFAULTS["seeds"],
                     image_size: int = DEFAULTS["image_size"], num_train: int = DEFAULTS["num_train"],
                     num_test: int = DEFAULTS["num_test"], epochs: int = DEFAULTS["epochs"],
                     batch_size: int = DEFAULTS["batch_size"], lr: float = DEFAULTS["lr"],
                     device: str | None = "cpu", threads: int | None = 1, progress: bool | None = None,
                     return_models: bool = False, jobs: int = 1, keep_predictions: int = 0):
    """Train each family in ``names`` for each seed in ``seeds`` and score it on held-out images.

    For a seed, the data are ``make_split(seed, image_size, num_train, num_test)`` and each network is built
    and trained under that seed. Returns a list of rows ``{"name", "seed", "mean_iou", "boundary_f1",
    "thin_iou", "class_iou", "pixel_accuracy", "parameters", "seconds"}`` (``seconds``: training time, wall
    clock), plus ``{(name, seed): model}`` with ``return_models``. ``progress``: a tqdm bar on stderr;
    ``None`` shows it only in a terminal (:func:`_interactive`), never in a notebook. ``jobs > 1`` trains that
    many seeds at once, each in its own process (each on ``threads`` threads, so the numbers do not change;
    the models are then not returned, and the bar advances per seed). Raises ``ValueError``/
    ``TypeError`` for an unknown name, non-integer or negative seeds, and what :func:`updown.fcn.train_fcn`
    raises. ``keep_predictions=n`` adds to each row ``predictions``: the predicted labels of the first ``n``
    test images (:func:`encode_labels`; :func:`decode_labels` reads them).
    """
    names = list(names)
    if not names:
        raise ValueError("names must name at least one family, got an empty list")
    for n in names:
        check_choice("names", n, tuple(FAMILIES))
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of non-negative ints, got {seeds!r}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got an empty sequence")
    seeds = [int_tuple("seeds", s, 1, minimum=0)[0] for s in seeds]
    check_bool("progress", progress, allow_none=True)
    jobs = int_tuple("jobs", jobs, 1, minimum=1)[0]
    keep = int_tuple("keep_predictions", keep_predictions, 1, minimum=0)[0]
    if jobs > 1 and return_models:
        raise ValueError("return_models needs jobs=1 (the models of other processes are not sent back)")
    show = _interactive() if progress is None else progress
    from tqdm.auto import tqdm
    settings = dict(image_size=image_size, num_train=num_train, num_test=num_test, epochs=epochs,
                    batch_size=batch_size, lr=lr, device=device, threads=threads, keep_predictions=keep)
    if jobs > 1 and len(seeds) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        rows_by_seed = {}
        with tqdm(total=len(seeds), disable=not show, unit="seed", desc="decoders") as bar, \
                ProcessPoolExecutor(min(jobs, len(seeds)), mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(compare_decoders, names, seeds=[s], progress=False, **settings): s
                       for s in seeds}
            for future in as_completed(futures):
                rows_by_seed[futures[future]] = future.result()
                bar.update(1)
        return [r for s in seeds for r in rows_by_seed[s]]
    bar = tqdm(total=len(seeds) * len(names), disable=not show, unit="model", desc="decoders")
    rows, models = [], {}
    try:
        for seed in seeds:
            train_x, train_y, test_x, test_y = _fcn.make_split(seed, image_size, num_train, num_test)
            for name in names:
                bar.set_postfix_str(f"{name}, seed {seed}")
                with torch.random.fork_rng():
                    torch.manual_seed(seed)
                    model = build(name, NUM_CLASSES, image_size)
                start = time.perf_counter()
                _fcn.train_fcn(model, train_x, train_y, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed,
                               device=device, threads=threads, progress=False)
                seconds = time.perf_counter() - start
                scores = _fcn.evaluate(model, test_x, test_y, threads=threads)
                rows.append({"name": name, "seed": seed, "mean_iou": scores["mean_iou"],
                             "boundary_f1": scores["boundary_f1"], "thin_iou": thin_iou(scores["class_iou"]),
                             "class_iou": scores["class_iou"], "pixel_accuracy": scores["pixel_accuracy"],
                             "parameters": model.num_parameters, "seconds": seconds})
                if keep:
                    rows[-1]["predictions"] = encode_labels(_fcn.predict(model, test_x[:keep], threads=threads))
                models[name, seed] = model
                bar.update(1)
    finally:
        bar.close()
    return (rows, models) if return_models else rows


_METRICS = ("mean_iou", "boundary_f1", "thin_iou", "seconds")


def summarize(rows: Sequence[dict]) -> list[dict[str, Any]]:
    """One row per family (in first-seen order): ``name``, ``seeds`` (how many), ``parameters`` and, for each of
    mean IoU, boundary F1, thin IoU and seconds, ``<metric>`` (mean over seeds) and ``<metric>_sd`` (sample
    standard deviation, NaN for one seed); ``class_iou`` the per-class means."""
    out = []
    for name in dict.fromkeys(r["name"] for r in rows):
        mine = [r for r in rows if r["name"] == name]
        row: dict[str, Any] = {"name": name, "seeds": len(mine), "parameters": mine[0]["parameters"]}
        for m in _METRICS:
            vals = np.array([r[m] for r in mine], dtype=float)
            row[m] = float(vals.mean())
            row[m + "_sd"] = float(vals.std(ddof=1)) if len(vals) > 1 else math.nan
        row["class_iou"] = [float(v) for v in np.nanmean([r["class_iou"] for r in mine], axis=0)]
        out.append(row)
    return out


def format_table(summary: Sequence[dict]) -> str:
    """The rows of :func:`summarize` as plain text: metrics to 3 decimals (``mean ± sd`` over several seeds)."""
    def cell(r, m, digits):
        v = f"{r[m]:.{digits}f}"
        return v if math.isnan(r[m + "_sd"]) else f"{v} ± {r[m + '_sd']:.{digits}f}"

    heads = ("family", "mean IoU", "boundary F1", "thin IoU", "parameters", "seconds")
    body = [(r["name"], cell(r, "mean_iou", 3), cell(r, "boundary_f1", 3), cell(r, "thin_iou", 3),
             f"{r['parameters']:,}", cell(r, "seconds", 1)) for r in summary]
    widths = [max(len(str(x)) for x in col) for col in zip(heads, *body)]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(heads, widths)))]
    for b in body:
        lines.append("  ".join(x.ljust(w) if i == 0 else x.rjust(w) for i, (x, w) in enumerate(zip(b, widths))))
    return "\n".join(lines)


def results_key(settings: dict) -> str:
    """The code hash a results file written by the CLI carries: the code (docstrings and comments excluded, see
    :func:`updown.results.code_only`) of the decoders and of the modules they build on (fcn, data, metrics,
    dilated, transposed), with the settings. The chapter's loader compares it with the stored one."""
    from .. import dilated as _dilated
    from .. import transposed as _transposed
    from ..results import source_digests
    parts = ("_base", "carafe", "deeplabv3plus", "dysample", "fcn8s", "fpn", "segnet", "unet")
    mods = [sys.modules[__name__], sys.modules[__package__], _fcn, _data, _metrics, _dilated, _transposed]
    mods += [sys.modules[f"{__package__}.{p}"] for p in parts]
    return _cache.code_hash([], dict(settings, code=source_digests(mods)))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m updown.decoders``: train the decoder families and print one row each."""
    parser = argparse.ArgumentParser(
        prog="python -m updown.decoders",
        description="Train the decoder families (" + ", ".join(FAMILIES) + ") on the book's procedural "
                    "shapes, on one backbone and one schedule, and print for each the mean IoU, boundary F1 and "
                    "IoU of the thin classes (strokes, rings) on held-out images, its parameter count and its "
                    "training time in seconds (mean ± standard deviation over the seeds). The defaults are the "
                    "book's settings (updown.fcn.DEFAULTS).")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULTS["seeds"]), metavar="SEED",
                        help="seeds of the data, the weights and the batch order (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=DEFAULTS["epochs"],
                        help="passes over the training set (default %(default)s)")
    parser.add_argument("--image-size", type=int, default=DEFAULTS["image_size"],
                        help="height and width of the square images in pixels (default %(default)s)")
    parser.add_argument("--train", type=int, default=DEFAULTS["num_train"],
                        help="number of training images (default %(default)s)")
    parser.add_argument("--test", type=int, default=DEFAULTS["num_test"],
                        help="number of held-out test images (default %(default)s)")
    parser.add_argument("--device", default="cpu", help="'cpu' (default), 'cuda', 'cuda:1', ...")
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), metavar="NAME",
                        help="which families to train (default: all seven: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="seeds trained at once, one process each "
                        "(default 1; 2 on a 2-core machine halves the time of several seeds)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads during training; 1 (default) "
                        "makes the numbers independent of the core count, 0 keeps torch's default")
    parser.add_argument("--output", metavar="PATH", help="also write the rows, the summary, the settings and "
                        "their code hash (results_key) to PATH as JSON")
    parser.add_argument("--keep-predictions", type=int, default=0, metavar="N", help="with --output, also store "
                        "each network's predicted labels of the first N test images (default %(default)s)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (it is shown only in a "
                        "terminal anyway)")
    args = parser.parse_args(argv)
    for name in ("epochs", "image_size", "train", "test"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if any(s < 0 for s in args.seeds):
        parser.error(f"--seeds must be non-negative, got {args.seeds}")
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    if args.keep_predictions < 0:
        parser.error(f"--keep-predictions must be 0 or more, got {args.keep_predictions}")
    if args.threads < 0:
        parser.error(f"--threads must be 0 or more, got {args.threads}")
    unknown = [f for f in args.families if f not in FAMILIES]
    if unknown:
        parser.error(f"--families: unknown {unknown}; choose from {list(FAMILIES)}")
    settings = dict(seeds=args.seeds, image_size=args.image_size, num_train=args.train, num_test=args.test,
                    epochs=args.epochs, batch_size=DEFAULTS["batch_size"], lr=DEFAULTS["lr"],
                    device=args.device, threads=args.threads or None, keep_predictions=args.keep_predictions)
    try:
        _fcn.select_device(args.device)
        rows = compare_decoders(args.families, progress=False if args.no_progress else None, jobs=args.jobs,
                                **settings)
    except (TypeError, ValueError) as err:
        parser.error(str(err))
    summary = summarize(rows)
    print(format_table(summary))
    if args.output:
        record = {"code_hash": results_key(dict(settings, families=args.families)),
                  "settings": dict(settings, families=args.families), "rows": rows, "summary": summary,
                  "config": _cache.cpu_config()}
        with open(args.output, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1, sort_keys=True)
            f.write("\n")
    return 0
