import os
import sys
from pathlib import Path

from hypothesis import settings

# sample_documents and other test helpers live beside the tests.
sys.path.insert(0, str(Path(__file__).parent))

# Property tests draw the same examples on every run (a landing or CI run must not fail on a case
# no earlier run drew: that case would then be lost). To explore new cases, run them with
# HYPOTHESIS_PROFILE=explore (random draws; hypothesis keeps what fails in .hypothesis/).
settings.register_profile("seeded", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "seeded"))


def pytest_addoption(parser):  # type: ignore[no-untyped-def]
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.txt from the current templates instead of comparing")
