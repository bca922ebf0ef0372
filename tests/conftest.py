import os

import pytest
from hypothesis import HealthCheck, settings

# In CI the randomised tests are reproducible (derandomize); locally they explore new cases on every run.
settings.register_profile(
    "book",
    max_examples=int(os.environ.get("UPDOWN_EXAMPLES", "60")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("book")


@pytest.fixture(scope="module")
def one_torch_thread():
    """Small models run fastest on one torch thread (two threads on a busy 2-core machine wait for each other);
    the previous setting is restored after the module."""
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


@pytest.fixture(autouse=True, scope="session")
def torch_coordinate_rounding():
    """Our float32 half-pixel coordinates are rounded as the PyTorch kernel this CPU runs rounds them: one fused
    multiply-add in its AVX2/AVX-512 builds, two roundings in its DEFAULT build (updown.interpolation.FUSED_MULTIPLY_ADD)."""
    import torch

    from updown import interpolation

    old = interpolation.FUSED_MULTIPLY_ADD
    interpolation.FUSED_MULTIPLY_ADD = torch.backends.cpu.get_cpu_capability() != "DEFAULT"
    yield
    interpolation.FUSED_MULTIPLY_ADD = old
