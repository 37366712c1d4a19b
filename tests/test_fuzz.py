"""Seeded fuzz over the readers (issue 14): every case ends with exit 0 or 2, never a crash or a hang.

CI runs FUZZ_CASES cases (a few per second); `bench/bench_fuzz.py` runs the full ten thousand
and more with the same generator (tests/fuzz_inputs.py) and records the counts.
"""

from __future__ import annotations

from collections import Counter

import pytest
from fuzz_inputs import FORMS, make_case, run_case

FUZZ_CASES = 800
SEED = 14_000  # cases are numbered from here; the benchmark starts elsewhere
GENERATE_EVERY = 15  # one case in this many (of each form) also generates the DOCX and PDF when valid


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("fuzz")
    results = []
    for seed in range(SEED, SEED + FUZZ_CASES):
        case = make_case(seed, folder)
        results.append(run_case(case, folder / "out", generate=(seed // len(FORMS)) % GENERATE_EVERY == 0, timeout=60))
    return results


def test_every_case_ends_with_exit_0_or_2(outcomes: list) -> None:  # type: ignore[type-arg]
    failures = [(o.case.seed, o.case.form, o.case.mutations, o.codes, o.detail) for o in outcomes if not o.ok]
    assert failures == []


def test_the_cases_cover_every_form_and_both_outcomes(outcomes: list) -> None:  # type: ignore[type-arg]
    """A fuzz run that only ever refused (or only ever accepted) would test little."""
    forms = Counter(o.case.form for o in outcomes)
    assert set(forms) == set(FORMS) and min(forms.values()) >= FUZZ_CASES // len(FORMS) - 1
    first = Counter(o.codes[0] for o in outcomes)
    assert first[0] >= 10 and first[2] >= FUZZ_CASES // 2, first


def test_some_valid_cases_were_generated(outcomes: list) -> None:  # type: ignore[type-arg]
    """Valid but unkind files (markup in names, far offsets) reach the renderers too."""
    assert sum(1 for o in outcomes if len(o.codes) == 3) >= 2


def test_no_case_is_slow(outcomes: list) -> None:  # type: ignore[type-arg]
    slow = [(o.case.seed, round(o.seconds, 1)) for o in outcomes if o.seconds > 20 and len(o.codes) < 3]
    assert slow == []
