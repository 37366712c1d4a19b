"""The project's sandbox remembers its attribute verdicts without ever letting more through."""

from __future__ import annotations

import re
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError

from generator.common.jinja_env import text_environment
from generator.directives.texts import normalise


class _Plain:
    name = "tên"


class _MaybeDisguised:
    """Claims to be a generator when asked to: Jinja judges an object by its `__class__`."""

    gi_frame = "khung"

    def __init__(self, disguised: bool) -> None:
        self.disguised = disguised

    @property  # type: ignore[misc]
    def __class__(self):
        return types.GeneratorType if self.disguised else _MaybeDisguised


def test_unsafe_attribute_stays_refused_after_safe_reads() -> None:
    """Reading a safe attribute many times never makes `__class__`-like reads safe on the same type."""
    env = text_environment()
    template = env.from_string("{{ x.name }}")
    for _ in range(3):
        assert template.render(x=_Plain()) == "tên"
    with pytest.raises(SecurityError):  # (the attr() filter no longer exists: a dotted read is the way in)
        env.from_string("{{ x.__class__ }}").render(x=_Plain())
    for _ in range(2):  # the verdict on `mro` of a class is remembered as a refusal
        with pytest.raises(SecurityError):
            env.from_string("{{ x.mro }}").render(x=int)


def test_an_object_lying_about_its_class_is_judged_as_it_claims() -> None:
    """A verdict remembered for honest objects of a type does not apply to one whose __class__ differs."""
    env = text_environment()
    assert env.is_safe_attribute(_MaybeDisguised(False), "gi_frame", "khung")  # remembered as safe
    assert not env.is_safe_attribute(_MaybeDisguised(True), "gi_frame", "khung")  # a generator's frame


_WHITESPACE = re.compile(r"[ \t\r\f\v]+")


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("ab đ\t\r\f\v\xa0\u2028\n")), max_size=40))
def test_normalise_fast_path_equals_the_pattern(text: str) -> None:
    """Collapsing spaces by splitting gives exactly what the whitespace pattern gives."""
    paragraphs = re.split(r"\n[ \t]*\n", text.strip())
    expected = "\n".join(p for p in (_WHITESPACE.sub(" ", " ".join(p.split("\n"))).strip() for p in paragraphs) if p)
    assert normalise(text) == expected
