"""The decoders chapter's comparison: seven families, three seeds, written by the CLI.

    .venv/bin/python tools/decoders.py      # writes notebooks/results/decoders.json

(about 25 minutes on 2 idle cores: two seeds train at once, one thread each.)

It runs ``python -m updown.decoders`` with :data:`SETTINGS`: the FCN chapter's schedule
(``updown.fcn.DEFAULTS``: 6 epochs of 256 images, 96 held-out ones), seeds 0, 1 and 2, and 128-pixel images,
the size the dilated chapter chose (its OS-8 map of 16 cells keeps DeepLab's rate ratio 1:2:3); the CLI's own
default is 96 pixels and one seed, which fits its 10-minute budget. Each row also keeps the predicted labels of
the first 6 test images, for the chapter's side-by-side predictions. The file records the CLI's
``results_key``: the code of the decoders, of ``fcn``, ``data``, ``metrics``, ``dilated`` and ``transposed``,
and the settings. The chapter's loader (``updown.results.load_checked``) refuses the file when the key no longer
matches.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from updown import fcn
from updown.decoders import FAMILIES, compare

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "notebooks" / "results" / "decoders.json"
SETTINGS = dict(seeds=[0, 1, 2], image_size=128, num_train=fcn.DEFAULTS["num_train"],
                num_test=fcn.DEFAULTS["num_test"], epochs=fcn.DEFAULTS["epochs"],
                batch_size=fcn.DEFAULTS["batch_size"], lr=fcn.DEFAULTS["lr"], device="cpu", threads=1,
                keep_predictions=6, families=list(FAMILIES))


def code_hash() -> str:
    """The key the CLI records for :data:`SETTINGS`."""
    return compare.results_key(SETTINGS)


def argv(out: Path = RESULTS, jobs: int = 2) -> list[str]:
    """The CLI's arguments for :data:`SETTINGS`."""
    s = SETTINGS
    return ["--seeds", *map(str, s["seeds"]), "--image-size", str(s["image_size"]), "--train", str(s["num_train"]),
            "--test", str(s["num_test"]), "--epochs", str(s["epochs"]), "--device", s["device"],
            "--threads", str(s["threads"]), "--keep-predictions", str(s["keep_predictions"]), "--families", *s["families"], "--jobs", str(jobs),
            "--output", str(out)]


def main() -> int:
    started_with = code_hash()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    status = compare.main(argv())
    written = json.loads(RESULTS.read_text(encoding="utf8"))["code_hash"]
    if written != started_with or code_hash() != started_with:
        print("warning: the code or the settings changed while this ran; the chapter will report the file "
              "stale: run again")
        return 1
    print(f"wrote {RESULTS} (code hash {started_with})")
    return status


if __name__ == "__main__":
    sys.exit(main())
