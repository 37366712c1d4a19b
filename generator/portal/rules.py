"""The import's rules as data (portal.yaml): kinds of unit by the portal's department type, and
the official form of unit names (NĐ 30/2020, Phụ lục II). A profile's `unit_names` overrides win."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from generator.common.errors import ConfigError, Problem
from generator.common.resources import package_path
from generator.common.yamlfile import load_yaml
from generator.snapshot import UnitKind

_SPACES = re.compile(r"\s+")


class _NameRulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    suffixes: tuple[str, ...]
    committees: tuple[str, ...]
    levels: tuple[str, ...]
    agencies: tuple[str, ...]
    separators: tuple[str, ...]
    fixed: tuple[str, ...]


class _RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: dict[str, UnitKind]
    names: _NameRulesFile


@dataclass(frozen=True)
class NameRules:
    """Compiled name rules; see portal.yaml for what each list means."""

    suffixes: tuple[re.Pattern[str], ...]
    committees: tuple[str, ...]
    levels: tuple[str, ...]  # longest first, so "thị xã" wins over "xã"
    agencies: tuple[str, ...]  # longest first
    separator: re.Pattern[str]
    fixed: tuple[tuple[str, ...], ...]  # each fixed spelling as its words

    def official(self, portal_name: str) -> str:
        """The official form of a name as the portal writes it."""
        name = _SPACES.sub(" ", unicodedata.normalize("NFC", portal_name)).strip()
        for suffix in self.suffixes:
            shorter = suffix.sub("", name).strip()
            if shorter:
                name = shorter
        folded = name.casefold()
        for committee in self.committees:
            if folded.startswith(committee.casefold() + " "):
                return committee + " " + self._committee_rest(name[len(committee) + 1:])
        for agency in self.agencies:
            if folded.startswith(agency.casefold() + " "):
                return agency + " " + self._fields(name[len(agency) + 1:])
        return name

    def _committee_rest(self, rest: str) -> str:
        folded = rest.casefold()
        for level in self.levels:
            if folded.startswith(level + " "):
                place = rest[len(level) + 1:]
                return f"{level} {_capital_syllables(place)}"
        return rest

    def _fields(self, text: str) -> str:
        parts = self.separator.split(text)
        # split() keeps the separators at odd positions
        return "".join(part if index % 2 else self._field(part) for index, part in enumerate(parts))

    def _field(self, field: str) -> str:
        words = field.split(" ")
        if " ".join(words).casefold() in self.levels:
            return field.casefold()
        fixed = self._fixed_positions(words)
        out = []
        for index, word in enumerate(words):
            if index in fixed:
                out.append(fixed[index])
            elif _is_abbreviation(word):
                out.append(word)
            elif index == 0:
                out.append(word[:1].upper() + word[1:].lower())
            else:
                out.append(word.lower())
        return " ".join(out)

    def _fixed_positions(self, words: list[str]) -> dict[int, str]:
        folded = [w.casefold() for w in words]
        found: dict[int, str] = {}
        for spelling in self.fixed:
            size = len(spelling)
            target = [w.casefold() for w in spelling]
            for start in range(len(words) - size + 1):
                if folded[start:start + size] == target:
                    found.update({start + i: spelling[i] for i in range(size)})
        return found


def _is_abbreviation(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _capital_syllables(place: str) -> str:
    """A place name with a capital on every syllable: "tam dương bắc" → "Tam Dương Bắc"."""
    return " ".join(w[:1].upper() + w[1:] for w in place.split(" "))


@dataclass(frozen=True)
class PortalRules:
    kinds: Mapping[str, UnitKind]
    names: NameRules


RULES_PATH = package_path("portal", "portal.yaml")


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_PATH) -> PortalRules:
    """The rules file, validated; a wrong file is a ConfigError naming its line."""
    document = load_yaml(path, "tệp quy tắc nhập số liệu Cổng")
    try:
        parsed = _RulesFile.model_validate(document.data)
    except ValidationError as exc:
        raise ConfigError(f"Tệp quy tắc {path} không hợp lệ", tuple(
            document.problem(tuple(e["loc"]), f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}")
            for e in exc.errors())) from None
    names = parsed.names
    try:
        suffixes = tuple(re.compile(s, re.IGNORECASE) for s in names.suffixes)
    except re.error as exc:
        raise ConfigError(f"Tệp quy tắc {path} không hợp lệ",
                          (Problem(str(path), f"biểu thức suffixes sai: {exc}",
                                   row=document.line_of(("names", "suffixes"))),)) from None
    separator = re.compile("(" + "|".join(re.escape(s) for s in names.separators) + ")")
    return PortalRules(
        kinds=dict(parsed.kinds),
        names=NameRules(
            suffixes=suffixes,
            committees=names.committees,
            levels=tuple(sorted((lvl.casefold() for lvl in names.levels), key=len, reverse=True)),
            agencies=tuple(sorted(names.agencies, key=len, reverse=True)),
            separator=separator,
            fixed=tuple(tuple(f.split(" ")) for f in names.fixed),
        ),
    )


def official_name(portal_name: str, department_id: str, code: str | None,
                  overrides: Mapping[str, str], rules: NameRules) -> str:
    """The name documents use: the profile's override (by portal id, then code), else the rules."""
    for key in (department_id, code):
        if key and key in overrides:
            return overrides[key]
    return rules.official(portal_name)
