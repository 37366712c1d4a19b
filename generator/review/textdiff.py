"""Word-level differences between two texts, as runs of same / removed / added text.

`paragraph_pieces` compares two paragraphs of wording (a ‹meaning› is one token, punctuation
stands alone); `word_diff` compares two source texts and reports the changed lines of the new one.
Whitespace and line breaks alone are never changes.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass

_WORD = re.compile(r"\S+")
# A highlighted ‹meaning› is one token (it changes as a whole); so is a word or a figure such as
# "50%", "0,5", "7/2024"; other punctuation stands alone, so "phương:" → "phương và …:" adds words.
_TOKEN = re.compile(r"‹[^›]*›|\w+(?:[.,/]\w+)*%?|[^\w\s]")


@dataclass(frozen=True)
class Piece:
    """A run of text: "same", "removed" or "added"; in a report also "heading", "context" or "note"."""

    kind: str
    text: str

    def marked(self) -> str:
        """The text with its plain-text marks: [-removed-], {+added+}."""
        if self.kind == "removed":
            return f"[-{self.text}-]"
        if self.kind == "added":
            return f"{{+{self.text}+}}"
        return self.text


@dataclass(frozen=True)
class ChangedLine:
    """One line of the new source text (1-based number) that has changes, as pieces."""

    number: int
    pieces: tuple[Piece, ...]

    def plain(self) -> str:
        return "".join(p.marked() for p in self.pieces)


def similarity(old: str, new: str) -> float:
    """How alike two paragraphs are, from 0 to 1, counted in tokens."""
    return difflib.SequenceMatcher(None, _TOKEN.findall(old), _TOKEN.findall(new), autojunk=False).ratio()


def paragraph_pieces(old: str, new: str) -> tuple[Piece, ...]:
    """The new paragraph with the words removed from the old one placed where they were."""
    old_tokens, new_tokens = list(_TOKEN.finditer(old)), list(_TOKEN.finditer(new))
    matcher = difflib.SequenceMatcher(None, [m.group() for m in old_tokens], [m.group() for m in new_tokens],
                                      autojunk=False)
    pieces: list[Piece] = []
    cursor = 0  # how far into `new` has been shown
    space_after_removed = False
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            before = old[old_tokens[i1 - 1].end() if i1 else 0:old_tokens[i1].start()]
            pieces.append(Piece("same", " " if before and pieces else ""))
            pieces.append(Piece("removed", old[old_tokens[i1].start():old_tokens[i2 - 1].end()]))
            space_after_removed = old[old_tokens[i2 - 1].end():old_tokens[i2 - 1].end() + 1] == " "
        if op in ("equal", "insert", "replace"):
            gap = new[cursor:new_tokens[j1].start()]
            if pieces and pieces[-1].kind == "removed" and not gap and space_after_removed:
                gap = " "
            pieces.append(Piece("same", " " if gap else ""))
            cursor = new_tokens[j2 - 1].end()
            pieces.append(Piece("same" if op == "equal" else "added", new[new_tokens[j1].start():cursor]))
    return _joined(pieces)


# ---------- source lines ----------


def word_diff(old: str, new: str) -> tuple[ChangedLine, ...]:
    """The changed lines of `new`, with the words removed from `old` placed where they were."""
    old_words = _WORD.findall(old)
    new_matches = list(_WORD.finditer(new))
    new_words = [m.group() for m in new_matches]
    removed_before: dict[int, list[str]] = defaultdict(list)  # new word index → words removed just before it
    added: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            removed_before[j1].extend(old_words[i1:i2])
        if op in ("insert", "replace"):
            added.update(range(j1, j2))
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", new)]
    by_line: dict[int, list[int]] = defaultdict(list)
    for index, match in enumerate(new_matches):
        by_line[_line_of(line_starts, match.start())].append(index)
    if len(new_words) in removed_before:  # words removed at the very end
        last = _line_of(line_starts, len(new)) if new_words else 1
        by_line[last].append(len(new_words))
    changed = []
    for number in sorted(by_line):
        indices = by_line[number]
        if not any(i in added or i in removed_before for i in indices):
            continue
        pieces = _pieces(new, new_matches, indices, added, removed_before, line_starts, number)
        changed.append(ChangedLine(number, pieces))
    return tuple(changed)


def _line_of(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low + 1


def _pieces(new: str, matches: list[re.Match[str]], indices: list[int], added: set[int],
            removed_before: dict[int, list[str]], starts: list[int], number: int) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    line_end = new.find("\n", starts[number - 1])
    position = starts[number - 1]
    for index in indices:
        if index == len(matches):  # words removed after the last word of the new text
            pieces.append(Piece("same", new[position:line_end if line_end >= 0 else len(new)].rstrip() + " "))
            pieces.append(Piece("removed", " ".join(removed_before[index])))
            return _joined(pieces)
        match = matches[index]
        if index in removed_before:  # the space before the removed words, then one between them and the next
            pieces.append(Piece("same", new[position:match.start()]))
            position = match.start()
            pieces.append(Piece("removed", " ".join(removed_before[index])))
            pieces.append(Piece("same", " "))
        pieces.append(Piece("same", new[position:match.start()]))
        pieces.append(Piece("added" if index in added else "same", match.group()))
        position = match.end()
    pieces.append(Piece("same", new[position:line_end if line_end >= 0 else len(new)]))
    return _joined(pieces)


def _joined(pieces: list[Piece]) -> tuple[Piece, ...]:
    """Neighbouring added words become one {+a b c+}; the line's leading indentation is dropped."""
    out: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if out and out[-1].kind == piece.kind:
            out[-1] = Piece(piece.kind, out[-1].text + piece.text)
        elif (len(out) >= 2 and piece.kind == "added" and out[-2].kind == "added"
              and out[-1].kind == "same" and not out[-1].text.strip()):
            out[-2:] = [Piece("added", out[-2].text + out[-1].text + piece.text)]
        else:
            out.append(piece)
    if out and out[0].kind == "same":
        out[0] = Piece("same", out[0].text.lstrip())
    return tuple(p for p in out if p.text)
