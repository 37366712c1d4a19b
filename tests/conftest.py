import sys
from pathlib import Path

# sample_documents and other test helpers live beside the tests.
sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser):  # type: ignore[no-untyped-def]
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.txt from the current templates instead of comparing")
