import sys
from pathlib import Path

# sample_documents and other test helpers live beside the tests.
sys.path.insert(0, str(Path(__file__).parent))
