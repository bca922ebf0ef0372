"""updown.results: the rule for differences over seeds and the code digests the results scripts record."""
import math
import types

import pytest

from updown import results


def test_separated_needs_every_seed_and_a_gap_above_the_summed_spreads():
    assert results.separated([0.70, 0.72, 0.68], [0.50, 0.52, 0.51]) == "higher"
    assert results.separated([0.50, 0.52, 0.51], [0.70, 0.72, 0.68]) == "lower"
    # one seed the other way round: not separated, however large the mean gap
    assert results.separated([0.90, 0.90, 0.40], [0.50, 0.50, 0.50]) is None
    # every seed higher, but the gap (0.02) is below the summed spreads (0.01 + 0.02)
    a, b = [0.61, 0.62, 0.63], [0.58, 0.60, 0.62]
    gap = sum(a) / 3 - sum(b) / 3
    assert all(x > y for x, y in zip(a, b)) and gap < 0.03 and results.separated(a, b) is None
    assert results.separated([1.0, 1.0], [0.0, 0.0]) == "higher"      # no spread at all


def test_separated_rejects_unpaired_short_or_non_finite_values():
    with pytest.raises(ValueError, match="same number of values, at least 2, got 3 and 2"):
        results.separated([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least 2, got 1 and 1"):
        results.separated([1], [2])
    with pytest.raises(ValueError, match="must be finite"):
        results.separated([1, math.nan], [0, 0])


def test_verdict_follows_the_rule_and_the_claimed_direction():
    hi, lo = [0.70, 0.72, 0.68], [0.50, 0.52, 0.51]
    assert results.verdict(hi, lo) == "reproduced here (+0.190)"
    assert results.verdict(lo, hi, bigger="lower") == "reproduced here (-0.190)"
    assert results.verdict(lo, hi) == "not reproduced here (the opposite holds: -0.190)"
    close = [0.58, 0.60, 0.62]
    assert results.verdict([0.61, 0.62, 0.63], close) == "not reproduced here (within the spread of the seeds: +0.020)"
    with pytest.raises(ValueError, match="bigger must be 'higher' or 'lower', got 'more'"):
        results.verdict(hi, lo, bigger="more")
    with pytest.raises(ValueError, match="same number of values"):
        results.verdict(hi, lo[:2])


def test_code_only_drops_docstrings_and_comments_but_not_code():
    a = 'def f(x):\n    """Doc."""\n    return x + 1  # note\n'
    b = 'def f(x):\n    """Another doc, longer."""\n\n    return x + 1\n'
    c = 'def f(x):\n    """Doc."""\n    return x + 2\n'
    assert results.code_only(a) == results.code_only(b) != results.code_only(c)
    assert results.code_only('def g():\n    """Only a docstring."""\n') == results.code_only("def g():\n    pass\n")


def test_source_digests_follow_the_code_of_modules_and_parts():
    import updown.decoders.fpn as fpn
    import updown.decoders.unet as unet

    digests = results.source_digests([fpn], {unet: ["center_crop"]})
    assert set(digests) == {"updown.decoders.fpn", "updown.decoders.unet:parts"}
    assert digests == results.source_digests([fpn], {unet: ["center_crop"]})
    # the part's teaching core counts too: another part list gives another digest
    assert results.source_digests([], {unet: ["UNet"]}) != results.source_digests([], {unet: ["center_crop"]})
    fake = types.ModuleType("fake")
    with pytest.raises(TypeError):
        results.source_digests([fake])          # no source file
