"""Evidence (slow, `make test-slow`): the FCN chapter's conclusions hold for 3 seeds under each emulated CPU.

Each run trains the chapter's experiments afresh in its own process (the CPU is chosen by environment variables
before torch is imported): FCN-32s, FCN-16s and FCN-8s, and FCN-8s with fixed 2x upsampling. About a minute of one
core per seed and CPU. The margins are the chapter's (notebooks/10_fcn_skip_fusion.ipynb).
"""
import pytest

from updown.fcn import EMULATED_CPUS, VARIATION_SEEDS, measure_variation

pytestmark = pytest.mark.slow

# the chapter's margins: about half the smallest gaps of src/updown/_fcn_variation.py
MARGIN_MIOU = {"16s-32s": 0.05, "8s-16s": 0.04}
MARGIN_BF1 = {"16s-32s": 0.08, "8s-16s": 0.11}
MARGIN_LEARNED_FIXED = 0.03


@pytest.mark.parametrize("cpu", list(EMULATED_CPUS))
def test_skip_fusion_beats_the_variation_for_three_seeds(cpu):
    result = measure_variation(None, seeds=VARIATION_SEEDS, cpus=[cpu], log=lambda line: None,
                               jobs=len(VARIATION_SEEDS))
    for run in result["runs"]:
        seed = run["seed"]
        assert [r["variant"] for r in run["rows"]] == ["FCN-32s", "FCN-16s", "FCN-8s"]
        for metric, margin in (("mean_iou", MARGIN_MIOU), ("boundary_f1", MARGIN_BF1)):
            v32, v16, v8 = (r[metric] for r in run["rows"])
            assert v16 - v32 > margin["16s-32s"], f"{metric}, {cpu}, seed {seed}: {v32:.3f} vs {v16:.3f}"
            assert v8 - v16 > margin["8s-16s"], f"{metric}, {cpu}, seed {seed}: {v16:.3f} vs {v8:.3f}"
        learned, fixed = run["rows"][2]["mean_iou"], run["fixed_8s"]["mean_iou"]
        assert abs(learned - fixed) < MARGIN_LEARNED_FIXED, f"{cpu}, seed {seed}: {learned:.3f} vs {fixed:.3f}"
