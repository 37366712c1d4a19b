"""One version of a template as its reviewer reads it: a list of passages, built from source texts.

A passage is one paragraph of the review pack's wording (variables as ‹meaning›, conditions in
words), with the line where it starts and the section it belongs to. The texts need not be on
disk: `templates diff` builds passages for an older version read from git. For the rule file
a passage is a rule's title, its condition in words (`describe_rule`), or a paragraph of its
`text` / `notice` wording.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.common.errors import ConfigError
from generator.content import Paragraph, TemplateInfo
from generator.directives import RuleSet, describe_rule, load_rules
from generator.review.catalogue import context_root, rule_snippets
from generator.review.walker import MacroTypes
from generator.review.wording import Wording, snippet_wording, wording_from_source

_MACRO_HEADING = re.compile(r"Cụm từ “([^”]+)”")
_SECTION_WIDTH = 60


@dataclass(frozen=True)
class Passage:
    """One paragraph of the wording: its text, the line where it starts, and the section it is in."""

    text: str
    line: int
    section: str  # e.g. "mục “1. Kết quả chung của ‹cách gọi địa bàn›”", "quy tắc “weak_group”"

    @property
    def key(self) -> str:
        """What paragraphs are aligned on: the text with whitespace collapsed."""
        return " ".join(self.text.split())


@dataclass(frozen=True)
class Unreadable:
    """A version of a file whose wording cannot be built, and why (Vietnamese, with the line)."""

    reason: str


FileWording = tuple[Passage, ...] | Unreadable | None  # None: the file is not in this version


def template_passages(info: TemplateInfo, texts: Mapping[Path, str | None],
                      fallback_main: str | None = None) -> dict[Path, FileWording]:
    """The passages of each file of a template in one version (`texts`: file → its text, None if absent).

    Shared phrase files get their macro parameters' meanings from the calls in the main file, as in
    the review pack; `fallback_main` (the other version's main text) supplies them when this
    version's main file does not parse.
    """
    if info.is_rule_file:
        return {path: _rule_file(text) if text is not None else None for path, text in texts.items()}
    macro_types = MacroTypes()
    main_text = texts.get(info.main_file)
    result: dict[Path, FileWording] = {}
    main = (wording_from_source(main_text, info.main_file, info.root, context_root(info.id), macro_types)
            if main_text is not None else None)
    if main is None:
        result[info.main_file] = None
    elif isinstance(main, Wording):
        result[info.main_file] = _passages(main)
    else:
        result[info.main_file] = Unreadable(_syntax_reason(main.problem))
    if not isinstance(main, Wording) and fallback_main is not None:
        macro_types = MacroTypes()
        wording_from_source(fallback_main, info.main_file, info.root, context_root(info.id), macro_types)
    for path in info.files[1:]:
        text = texts.get(path)
        if text is None:
            result[path] = None
            continue
        wording_from_source(text, path, info.root, None, macro_types)  # first pass: types from nested calls
        shared = wording_from_source(text, path, info.root, None, macro_types)
        result[path] = _passages(shared) if isinstance(shared, Wording) else Unreadable(_syntax_reason(shared.problem))
    return result


def _syntax_reason(problem: object) -> str:
    row = getattr(problem, "row", None)
    message = getattr(problem, "message", "không đọc được tệp")
    return f"dòng {row}: {message}" if row is not None else str(message)


def _passages(wording: Wording) -> tuple[Passage, ...]:
    """Paragraphs outside macros first, then each macro's (heading first), as the review pack orders them."""
    ordered: list[tuple[Paragraph, int]] = list(zip(wording.blocks, wording.block_lines))
    for name, paragraphs in wording.macros.items():
        ordered += zip(paragraphs, wording.macro_lines.get(name, ()))
    passages: list[Passage] = []
    section = ""
    for paragraph, line in ordered:
        text = " ".join("".join(span.text for span in paragraph.spans).split())
        if not text:
            continue
        if _is_heading(paragraph):
            macro = _MACRO_HEADING.match(text)
            section = f"cụm từ “{macro.group(1)}”" if macro else f"mục “{_shortened(text)}”"
        passages.append(Passage(text, line, section))
    return tuple(passages)


def _is_heading(paragraph: Paragraph) -> bool:
    """A paragraph entirely in bold: a numbered heading, an annex title, a shared phrase's name."""
    visible = [span for span in paragraph.spans if span.text.strip()]
    return bool(visible) and all(span.bold for span in visible)


def _shortened(text: str) -> str:
    return text if len(text) <= _SECTION_WIDTH else text[:_SECTION_WIDTH - 1].rstrip() + "…"


# ---------- the rule file ----------


def _rule_file(text: str) -> tuple[Passage, ...] | Unreadable:
    """Each rule's title, condition in words and wording, from the YAML text of one version."""
    with tempfile.TemporaryDirectory(prefix="congvan-diff-") as folder:
        path = Path(folder) / "directives.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            rules = load_rules(path)
        except ConfigError as error:
            reasons = [_syntax_reason(p) for p in error.problems[:3]] or [error.message]
            return Unreadable("; ".join(reasons))
    return _rule_passages(rules)


def _rule_passages(rules: RuleSet) -> tuple[Passage, ...]:
    passages: list[Passage] = []
    for rule in rules.rules:
        section = f"quy tắc “{rule.id}”"
        passages.append(Passage(f"{rule.title} (mã {rule.id})", rule.line, section))
        passages.append(Passage(f"Áp dụng: {describe_rule(rule)}", getattr(rule.when, "line", 0) or rule.line, section))
        for key, snippet, root in rule_snippets(rule):
            where = f"{section}, lời văn trong {key}"
            if snippet is None:
                passages.append(Passage("(Không viết riêng: dùng lời văn trong công văn, nêu riêng đơn vị nhận.)",
                                        rule.line, where))
                continue
            for paragraph in snippet_wording(snippet.source, root).blocks:
                text = " ".join("".join(span.text for span in paragraph.spans).split())
                if text:
                    passages.append(Passage(text, snippet.line, where))
    return tuple(passages)
