"""How long a reader waits after moving a slider: the redraw callbacks of every ``updown.plot.explore`` in the book.

The explorations are found by reading the chapters themselves: every ``explore(module.draw_x, name=(min, max,
step, default), ...)`` call in a code cell of ``notebooks/*.ipynb``, with ``module`` resolved through the cell
imports (``from updown.plot import pooling as figs``). New chapters are measured without changing this script.

Each callback is timed as ``explore`` runs it live (``updown.plot.LiveFigure.render``: ``draw(fig, **params)`` on
the exploration's figure, the Agg render and the PNG bytes sent to the image widget), at the defaults and with
each slider moved to its minimum and to its maximum (the others at their defaults): the median of ``--repeats``
runs after one warm-up run, in wall time and in CPU time (the CPU time is what the redraw costs on an idle
machine; wall time grows when other work shares the CPU). For comparison, "fresh fig" is the straightforward
redraw: a new constrained-layout figure, ``draw`` and ``fig.canvas.draw()``. The book's target: a median slider
callback of at most 100 ms.

    python benchmarks/bench_widgets.py [--repeats 5] [--notebooks notebooks]

No timed assertion: the script prints a table and the overall median.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0


def _imports(tree: ast.AST, names: dict) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def find_explorations(notebooks: list[Path]) -> list[dict]:
    """Every ``explore(...)`` call of the chapters, with its draw function's dotted path, sliders and figsize."""
    found = []
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf8"))
        names: dict[str, str] = {}
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            try:
                tree = ast.parse("\n".join(l for l in src.splitlines() if not l.lstrip().startswith(("%", "!"))))
            except SyntaxError:
                continue
            _imports(tree, names)
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and _dotted(node.func) in ("explore", "updown.plot.explore",
                                                                              "plot.explore")):
                    continue
                entry = {"notebook": path.stem, "draw": None, "sliders": {}, "figsize": (6, 4), "skipped": None}
                target = _dotted(node.args[0]) if node.args else None
                if target is None:
                    entry["skipped"] = "draw is not a library function (lambda or local name)"
                else:
                    head, _, rest = target.partition(".")
                    entry["draw"] = f"{names.get(head, head)}.{rest}" if rest else names.get(head, head)
                for kw in node.keywords:
                    try:
                        value = ast.literal_eval(kw.value)
                    except ValueError:
                        if kw.arg not in ("animate_over", "frames", "figsize"):
                            entry["skipped"] = f"slider {kw.arg} is not a literal"
                        continue
                    if kw.arg == "figsize":
                        entry["figsize"] = tuple(value)
                    elif kw.arg not in ("animate_over", "frames"):
                        entry["sliders"][kw.arg] = value
                found.append(entry)
    return found


def resolve(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def parameter_sets(sliders: dict) -> list[dict]:
    """The defaults, then each slider at its minimum and at its maximum with the others at their defaults."""
    defaults = {k: v[3] for k, v in sliders.items()}
    sets = [defaults]
    for name, (lo, hi, _step, default) in sliders.items():
        for value in (lo, hi):
            if value != default:
                sets.append({**defaults, name: value})
    return sets


def time_callback(draw, sliders: dict, figsize, repeats: int) -> dict:
    """Milliseconds per redraw over the parameter sets of one exploration (median of ``repeats`` per set).

    ``live``: the callback ``explore`` runs when a slider moves (``LiveFigure.render``: draw on the exploration's
    figure, layout kept from the first draw, Agg render, PNG bytes for the image widget), wall and CPU time.
    ``fresh``: a new constrained-layout figure, ``draw(fig, **params)`` and ``fig.canvas.draw()`` (no PNG).
    """
    from updown.plot import LiveFigure

    live = LiveFigure(draw, figsize=figsize)
    sets = parameter_sets(sliders)
    live.render(**sets[0])  # the first draw solves the layout, as when the exploration is displayed

    def fresh(params):
        fig = plt.figure(figsize=figsize, layout="constrained")
        draw(fig, **params)
        fig.canvas.draw()
        plt.close(fig)

    out = {"live": [], "live_cpu": [], "fresh": []}
    for params in sets:
        live.render(**params)  # warm-up: font and text-layout caches a reader's first redraw has filled
        fresh(params)
        wall, cpu, new = [], [], []
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            live.render(**params)
            wall.append((time.perf_counter() - t0) * 1e3)
            cpu.append((time.process_time() - c0) * 1e3)
            t0 = time.perf_counter()
            fresh(params)
            new.append((time.perf_counter() - t0) * 1e3)
        out["live"].append(statistics.median(wall))
        out["live_cpu"].append(statistics.median(cpu))
        out["fresh"].append(statistics.median(new))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per parameter set (default 5)")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    explorations = find_explorations(sorted(args.notebooks.glob("*.ipynb")))
    if not explorations:
        print(f"no explore(...) call found in {args.notebooks}/*.ipynb")
        return 0
    import updown.plot  # noqa: F401  (the book's style, as in the chapters)

    header = (f"{'chapter':<26} {'draw function':<26} {'params':>6} {'callback ms':>11} {'max ms':>7} "
              f"{'CPU ms':>7} {'fresh fig ms':>12}")
    print(header)
    print("-" * len(header))
    medians, all_times, all_cpu, slow = [], [], [], []
    for e in explorations:
        name = (e["draw"] or "?").rsplit(".", 1)[-1]
        if e["skipped"]:
            print(f"{e['notebook']:<26} {name:<26} skipped: {e['skipped']}")
            continue
        t = time_callback(resolve(e["draw"]), e["sliders"], e["figsize"], args.repeats)
        med = statistics.median(t["live"])
        medians.append(med)
        all_times += t["live"]
        all_cpu += t["live_cpu"]
        if med > TARGET_MS:
            slow.append(f"{e['notebook']}: {name}")
        print(f"{e['notebook']:<26} {name:<26} {len(t['live']):>6} {med:>11.1f} {max(t['live']):>7.1f} "
              f"{statistics.median(t['live_cpu']):>7.1f} {statistics.median(t['fresh']):>12.1f}")
    print("-" * len(header))
    if all_times:
        print(f"median slider callback over all {len(all_times)} slider positions of {len(medians)} explorations: "
              f"{statistics.median(all_times):.1f} ms wall, {statistics.median(all_cpu):.1f} ms CPU "
              f"(target <= {TARGET_MS:.0f} ms); slowest exploration median {max(medians):.1f} ms")
    print("explorations over the target: " + (", ".join(slow) if slow else "none"))
    try:
        load = os.getloadavg()[0]
        print(f"machine load average {load:.1f} on {os.cpu_count()} CPUs (wall times grow when other work runs)")
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
