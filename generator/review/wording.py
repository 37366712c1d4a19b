"""A template's wording as its legal reviewer reads it, as content-model paragraphs.

Literal text stays as written; every printed variable becomes a highlighted ‹meaning›; every
`{% if %}` and `{% for %}` becomes a sentence saying when the passage appears or what it repeats
for: between paragraphs as its own line (► … / ◄ …), inside a paragraph as [nếu …: …]. The small
markup vocabulary of generator/content/markup.py is read, not shown: <p> starts a paragraph, <tr>
a table row (cells separated by “|”), <subject>/<to>/<annex> get their Vietnamese labels.
The source line where each paragraph starts is kept beside it, so `templates diff` can say where
a change is; `wording_from_source` builds the wording of a text that is not on disk (a git version).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from jinja2 import nodes

from generator.common.jinja_env import text_environment
from generator.content import YES, Align, Paragraph, Span
from generator.content import merge_spans as merge
from generator.review.catalogue import Member
from generator.review.explain import condition, loop_phrase, value_label
from generator.review.scope import Resolver, Scope, root_scope
from generator.review.sources import Parsed, macro_names, parse_source
from generator.review.walker import Listener, MacroTypes, Use, Walker

OPEN, CLOSE = "‹", "›"
_SPAN = re.compile("\ue000(\\d+)\ue001")
_CONDITIONAL_ATTRIBUTE = re.compile("\ue002(\\d+)\ue001(.*?)\ue003", re.DOTALL)

_BLOCK = {"if": "► Đoạn sau chỉ có khi {}:", "elif": "► Nếu không, khi {}:",
          "else": "► Nếu không (các trường hợp còn lại):", "empty": "► Khi {}:", "end": "◄ Hết phần có điều kiện.",
          "loop": "► Lặp lại cho {}:", "loop_end": "◄ Hết phần lặp lại."}
_INLINE = {"if": "[nếu {}: ", "elif": " | nếu không, nếu {}: ", "else": " | nếu không: ", "empty": "[nếu {}: ",
           "end": "]", "loop": "[lặp lại cho {}: ", "loop_end": "]"}
BLOCK_CONDITION_PREFIXES = ("► Đoạn sau chỉ có khi ", "► Nếu không, khi ")
INLINE_CONDITION_PREFIXES = ("[nếu ", "| nếu không, nếu ")


@dataclass(frozen=True)
class Wording:
    """The paragraphs of one template file, and what they use."""

    blocks: tuple[Paragraph, ...]
    uses: tuple[Use, ...]
    conditions: tuple[tuple[int, str], ...]  # (line, phrase) of every if / elif, in order
    macros: Mapping[str, tuple[Paragraph, ...]]  # macro name → its paragraphs (heading first)
    calls: Mapping[str, tuple[str, ...]]  # "" (outside macros) or macro name → macros it calls
    block_lines: tuple[int, ...] = ()  # source line where each of `blocks` starts (same order)
    macro_lines: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # the same for `macros`


@dataclass
class _Frame:
    mode: str  # "block", "inline", "quoted" (inside an attribute value) or "attr" (around attributes)


@dataclass
class _Builder(Listener):
    plain: bool = False  # rule snippets: no markup, all text is wording
    blocks: list[Paragraph] = field(default_factory=list)
    conditions: list[tuple[int, str]] = field(default_factory=list)
    macros: dict[str, list[Paragraph]] = field(default_factory=dict)
    calls: dict[str, list[str]] = field(default_factory=lambda: {"": []})
    block_lines: list[int] = field(default_factory=list)
    macro_lines: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.spans: list[Span] | None = None
        self.align: Align = "justify"
        self.indent = True
        self.row = False
        self.row_bold = False
        self.row_cells = 0
        self.bold = self.italic = 0
        self.tag: list[str] | None = None
        self.tag_spans: list[Span] = []
        self.tag_conditions: list[str] = []
        self.in_quote = False
        self.frames: list[_Frame] = []
        self.macro: str | None = None
        self.line = 1  # source line of what is being read now (set by _LineWalker and the listener calls)
        self.data_line = 1  # source line where the current piece of literal text starts
        self.open_line = 1  # source line where the open paragraph started
        self.tag_line = 1  # source line where the markup tag being read started

    # ---------- paragraphs ----------

    def _emit(self, paragraph: Paragraph, line: int | None = None) -> None:
        if self.macro is not None:
            self.macros[self.macro].append(paragraph)
            self.macro_lines.setdefault(self.macro, []).append(line or self.line)
        else:
            self.blocks.append(paragraph)
            self.block_lines.append(line or self.line)

    def _open(self, align: Align = "justify", indent: bool = True, row: bool = False) -> None:
        self._close()
        self.spans, self.align, self.indent, self.row = [], align, indent, row
        self.open_line = self.line

    def _close(self) -> None:
        if self.spans is not None:
            spans = merge(self.spans)
            if spans:
                self._emit(Paragraph(spans, self.align, self.indent), self.open_line)
        self.spans, self.row = None, False

    def _add(self, span: Span) -> None:
        if self.spans is None:
            self._open("justify", False)
        if not self.spans:  # a paragraph opened ahead of its text (a macro's body) starts at its first words
            self.open_line = self.line
        self.spans.append(span)  # type: ignore[union-attr]

    def _line(self, text: str, *, bold: bool = False, italic: bool = False, align: Align = "justify") -> None:
        self._close()
        self._emit(Paragraph((Span(text, bold=bold, italic=italic),), align, False))

    def _styled(self, text: str) -> Span:
        bold = self.bold > 0 or (self.row and self.row_bold)
        return Span(text, bold=bold, italic=self.italic > 0)

    # ---------- listener ----------

    def at_line(self, line: int) -> None:
        """The next literal text or value starts at this source line."""
        self.line = self.data_line = line

    def text(self, data: str) -> None:
        i = 0
        base = self.data_line
        while i < len(data):
            if self.tag is not None:
                j = i
                while j < len(data) and (data[j] != ">" or self.in_quote):
                    self.in_quote ^= data[j] == '"'
                    j += 1
                self.tag.append(data[i:j])
                if j < len(data):
                    self.line = self.tag_line  # a paragraph opened by this tag starts where the tag does
                    self._tag_done()
                i = j + 1
                continue
            j = -1 if self.plain else data.find("<", i)
            content = data[i:] if j < 0 else data[i:j]
            self.line = base + data.count("\n", 0, i + len(content) - len(content.lstrip()))
            self._content(content)
            if j < 0:
                return
            self.tag, self.tag_spans, self.tag_conditions, self.in_quote = [], [], [], False
            self.tag_line = base + data.count("\n", 0, j)
            i = j + 1

    def _content(self, text: str) -> None:
        if not text or (self.spans is None and not text.strip()):
            return
        self._add(self._styled(html.unescape(text)))

    def value(self, expr: nodes.Expr, scope: Scope) -> None:
        self.line = expr.lineno
        callee = _macro_called(expr, scope)
        if callee is not None:
            self.calls.setdefault(self.macro or "", []).append(callee)
            span = Span(f"{OPEN}cụm từ “{callee}”{CLOSE}", italic=True, highlight=True)
        else:
            span = replace(self._styled(f"{OPEN}{value_label(expr, scope)}{CLOSE}"), highlight=True)
        if self.tag is not None:
            self._tag_span(span)
        else:
            self._add(span)

    def branch(self, kind: str, test: nodes.Node | None, scope: Scope) -> None:
        if test is not None:
            self.line = test.lineno
        phrase = ""
        if kind in ("if", "elif") and test is not None:
            phrase = condition(test, scope)
            self.conditions.append((test.lineno, phrase))
        elif kind == "empty" and test is not None:
            phrase = f"“{value_label(test, scope)}” không có mục nào"
        if kind in ("if", "empty"):
            self.frames.append(_Frame(self._mode()))
        self._marker(self.frames[-1].mode, kind, phrase)

    def end_branches(self) -> None:
        self._marker(self.frames.pop().mode, "end", "")

    def loop_start(self, loop: nodes.For, scope: Scope) -> None:
        self.line = loop.lineno
        self.frames.append(_Frame(self._mode()))
        self._marker(self.frames[-1].mode, "loop", loop_phrase(loop, scope.parent or scope, scope))

    def loop_end(self) -> None:
        self._marker(self.frames.pop().mode, "loop_end", "")

    def macro_start(self, macro: nodes.Macro, scope: Scope) -> None:
        self._close()
        self.line = macro.lineno
        self.macro = macro.name
        self.macros[macro.name] = []
        self.macro_lines[macro.name] = []
        self.calls.setdefault(macro.name, [])
        params = ", ".join(a.name for a in macro.args)
        self._line(f"Cụm từ “{macro.name}”" + (f" (tham số: {params})" if params else ""), bold=True)
        self._open("justify", False)

    def macro_end(self) -> None:
        self._close()
        self.macro = None

    # ---------- markers ----------

    def _mode(self) -> str:
        if self.tag is not None:
            return "quoted" if self.in_quote else "attr"
        return "inline" if self.spans is not None else "block"

    def _marker(self, mode: str, kind: str, phrase: str) -> None:
        if mode == "block":
            self._line(_BLOCK[kind].format(phrase), italic=True)
        elif mode == "inline":
            self._inline(Span(_INLINE[kind].format(phrase), italic=True))
        elif mode == "quoted" and self.tag is not None:
            self._tag_span(Span(_INLINE[kind].format(phrase), italic=True))
        elif self.tag is not None:  # around attributes: `<td{% if check.missed %} b="yes"{% endif %}>`
            if kind in ("elif", "else", "end", "loop_end"):
                self.tag.append("\ue003")
            if kind in ("if", "elif", "else", "loop", "empty"):
                self.tag_conditions.append(phrase or "các trường hợp còn lại")
                self.tag.append(f"\ue002{len(self.tag_conditions) - 1}\ue001")

    def _inline(self, span: Span) -> None:
        """An inline marker; a closing one after its paragraph ended goes to the end of that paragraph."""
        target = self.macros[self.macro] if self.macro is not None else self.blocks
        if self.spans is None and target and span.text == "]":
            last = target[-1]
            target[-1] = Paragraph(merge([*last.spans, span]), last.align, last.indent)
            return
        self._add(span)

    def _tag_span(self, span: Span) -> None:
        self.tag_spans.append(span)
        self.tag.append(f"\ue000{len(self.tag_spans) - 1}\ue001")  # type: ignore[union-attr]

    # ---------- markup elements ----------

    def _tag_done(self) -> None:
        raw = "".join(self.tag or [])
        self.tag = None
        notes: list[str] = []

        def conditional(match: re.Match[str]) -> str:
            phrase = self.tag_conditions[int(match.group(1))]
            what = "in đậm" if re.search(r'\bb\s*=\s*"(yes|true|1)"', match.group(2)) else "định dạng khác"
            notes.append(f"[{what} khi {phrase}] ")
            return ""

        raw = _CONDITIONAL_ATTRIBUTE.sub(conditional, raw)
        closing = raw.lstrip().startswith("/")
        name_match = re.match(r"\s*/?\s*([\w:-]+)", raw)
        name = name_match.group(1) if name_match else ""
        attributes = dict(re.findall(r'([\w:-]+)\s*=\s*"([^"]*)"', raw))
        if closing:
            self._end_element(name)
        else:
            self._start_element(name, attributes)
        for note in notes:
            self._add(Span(note, italic=True))

    def _end_element(self, name: str) -> None:
        if name in ("p", "subject", "to", "tr", "category", "series"):
            self._close()
        elif name == "b":
            self.bold -= 1
        elif name == "i":
            self.italic -= 1

    def _start_element(self, name: str, attributes: dict[str, str]) -> None:
        if name == "p":
            align = attributes.get("align", "justify")
            self._open(align if align in ("left", "center", "right", "justify") else "justify",  # type: ignore[arg-type]
                       attributes.get("indent", "yes") in YES)
        elif name == "subject":
            self._open("justify", False)
            self._add(Span("Trích yếu: ", italic=True))
        elif name == "to":
            self._open("justify", False)
            self._add(Span("- "))
        elif name in ("recipients", "copies"):
            self._line("Kính gửi:" if name == "recipients" else "Nơi nhận:", italic=True)
        elif name == "document" and "title" in attributes:
            self._close()
            self._emit(Paragraph((Span("Tên văn bản (ghi trong thuộc tính của tệp): ", italic=True),
                                  *self._attribute(attributes["title"])), "justify", False))
        elif name == "annex":
            self._annex(attributes)
        elif name == "table":
            self._line("Bảng (các cột cách nhau bởi dấu “|”):", italic=True)
        elif name == "tr":
            self._open("justify", False, row=True)
            self.row_bold, self.row_cells = attributes.get("head", "no") in YES, 0
        elif name == "td":
            if self.spans is None:
                self._open("justify", False, row=True)
            if self.row_cells:
                self._add(Span(" | "))
            self.row_cells += 1
        elif name == "b":
            self.bold += 1
        elif name == "i":
            self.italic += 1
        elif name == "figures":
            self._line("Các biểu đồ sau đặt cạnh nhau trên cùng một hàng:", italic=True)
        elif name in ("figure", "series", "line", "category"):
            self._chart_part(name, attributes)

    def _chart_part(self, name: str, attributes: dict[str, str]) -> None:
        """A chart's wording: caption, alt text, axis title, legend entries and category labels."""
        if name == "figure":
            self._line("Biểu đồ (hình vẽ từ số liệu; chữ trên hình, chú thích và mô tả như sau):", italic=True)
            for key, label in (("caption", "Chú thích dưới hình: "), ("alt", "Mô tả thay cho hình: "),
                               ("axis", "Tên trục giá trị: ")):
                if attributes.get(key):
                    self._emit(Paragraph(merge([Span(label, italic=True), *self._attribute(attributes[key])]),
                                         "justify", False))
        elif name == "line":
            self._emit(Paragraph(merge([Span("- Đường tham chiếu (chú giải): ", italic=True),
                                        *self._attribute(attributes.get("name", ""))]), "justify", False))
        else:
            self._open("justify", False)
            if name == "series":
                self._add(Span("- Chuỗi số liệu (chú giải): ", italic=True))
                self._add(Span(""))
                for span in self._attribute(attributes.get("name", "")):
                    self._add(span)
                self._add(Span("; giá trị: ", italic=True))
            else:
                self._add(Span("- Mục: ", italic=True))

    def _annex(self, attributes: dict[str, str]) -> None:
        self._close()
        for key, bold, italic in (("heading", True, False), ("title", True, False), ("subtitle", False, True)):
            if attributes.get(key):
                spans = tuple(replace(s, bold=s.bold or bold, italic=s.italic or italic)
                              for s in self._attribute(attributes[key]))
                self._emit(Paragraph(merge(list(spans)), "center", False))
        if attributes.get("landscape", "no") in YES:
            self._line("(Phụ lục in trang ngang.)", italic=True, align="center")

    def _attribute(self, value: str) -> tuple[Span, ...]:
        spans: list[Span] = []
        for i, part in enumerate(_SPAN.split(value)):
            if i % 2:
                spans.append(self.tag_spans[int(part)])
            elif part:
                spans.append(Span(html.unescape(part)))
        return merge(spans)


def _macro_called(expr: nodes.Expr, scope: Scope) -> str | None:
    if not isinstance(expr, nodes.Call):
        return None
    callee = expr.node
    if isinstance(callee, nodes.Getattr) and isinstance(callee.node, nodes.Name):
        binding = scope.lookup(callee.node.name)
        return callee.attr if binding is not None and binding.origin == "import" else None
    if isinstance(callee, nodes.Name):
        binding = scope.lookup(callee.name)
        return callee.name if binding is not None and binding.origin == "macro" else None
    return None


class _LineWalker(Walker):
    """A walker that tells the builder the source line of each piece of literal text and each value."""

    def _output(self, node: nodes.Output, scope: Scope) -> None:
        for child in node.nodes:  # one at a time so the line is known before the listener hears of it
            if isinstance(self.listener, _Builder):
                self.listener.at_line(child.lineno)
            super()._output(nodes.Output([child], lineno=child.lineno), scope)


def _wording(builder: _Builder, walker: Walker) -> Wording:
    builder._close()
    return Wording(tuple(builder.blocks), tuple(walker.uses), tuple(builder.conditions),
                   {k: tuple(v) for k, v in builder.macros.items()},
                   {k: tuple(dict.fromkeys(v)) for k, v in builder.calls.items()},
                   tuple(builder.block_lines), {k: tuple(v) for k, v in builder.macro_lines.items()})


def file_wording(parsed: Parsed, context: Mapping[str, Member] | None, root: Path,
                 macro_types: MacroTypes) -> Wording:
    """The wording of one parsed file; `macro_types` collects (and supplies) macro parameter types."""
    if parsed.tree is None:
        raise ValueError(f"{parsed.path} does not parse")
    builder = _Builder()
    walker = _LineWalker(Resolver(on_macro_call=macro_types.record), lambda name: macro_names(root, name),
                         builder, macro_types)
    walker.walk(parsed.tree, root_scope(context))
    return _wording(builder, walker)


def wording_from_source(source: str, path: Path, root: Path, context: Mapping[str, Member] | None,
                        macro_types: MacroTypes) -> Wording | Parsed:
    """The wording of a template file's text (e.g. an older version from git), as if it were at `path`.

    Returns the `Parsed` value (whose `problem` says why) when the text does not parse.
    """
    parsed = parse_source(source, path, root)
    if parsed.tree is None:
        return parsed
    return file_wording(parsed, context, root, macro_types)


def snippet_wording(source: str, scope_members: Mapping[str, Member], macro_types: MacroTypes | None = None) -> Wording:
    """The wording of a rule snippet (plain text Jinja, no markup) as one paragraph."""
    tree = text_environment().parse(source)
    builder = _Builder(plain=True)
    walker = _LineWalker(Resolver(), lambda name: None, builder, macro_types or MacroTypes())
    walker.walk(tree, root_scope(scope_members))
    return _wording(builder, walker)
