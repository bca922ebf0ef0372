"""Evidence (slow, `make test-slow`): with the book's settings FCN-8s >= FCN-16s >= FCN-32s in mean IoU and boundary F1.

Each seed draws its own training and test images and its own initial weights; about a minute per seed on one core.
"""
import pytest

from updown.fcn import DEFAULTS, compare_variants, format_table

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_skip_fusion_ordering(seed):
    rows = compare_variants(seed=seed, progress=False)
    settings = {k: v for k, v in DEFAULTS.items() if k != "seed"}
    print(f"\nseed {seed}, settings {settings}\n{format_table(rows)}")
    assert [r["variant"] for r in rows] == ["FCN-32s", "FCN-16s", "FCN-8s"]
    for metric in ("mean_iou", "boundary_f1"):
        v32, v16, v8 = (r[metric] for r in rows)
        assert v8 >= v16 >= v32, f"{metric} out of order for seed {seed}: {v32:.3f}, {v16:.3f}, {v8:.3f}"
