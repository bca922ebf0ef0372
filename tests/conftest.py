import os

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
