"""`congvan templates diff`: what changed in a template's wording, word by word.

Old and new texts come from git revisions (`git show REV:path`, read-only) or from two files.
Words are compared with difflib; whitespace and line breaks alone are not changes. Each changed
line of the new text is printed with its number, removed words as [-…-] and added ones as {+…+}.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from generator.errors import TemplateError, UsageError

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Piece:
    """A run of a changed line: "same", "removed" or "added" text."""

    kind: str
    text: str


@dataclass(frozen=True)
class ChangedLine:
    """One line of the new text (1-based number) that has changes, as pieces."""

    number: int
    pieces: tuple[Piece, ...]

    def plain(self) -> str:
        marks = {"removed": "[-{}-]", "added": "{{+{}+}}", "same": "{}"}
        return "".join(marks[p.kind].format(p.text) for p in self.pieces)


@dataclass(frozen=True)
class FileDiff:
    label: str  # the file as the reader knows it: "monthly_dispatch/template.xml.j2"
    old_name: str
    new_name: str
    lines: tuple[ChangedLine, ...]
    note: str = ""  # e.g. "tệp mới" when the old version has no such file


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
        changed.append(ChangedLine(number, _pieces(new, new_matches, indices, added, removed_before, line_starts, number)))
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
        if index in removed_before:
            pieces.append(Piece("removed", " ".join(removed_before[index])))
            pieces.append(Piece("same", " "))
        match = matches[index]
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


# ---------- where the texts come from ----------


def repository_root(start: Path) -> Path:
    result = _git(start, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise UsageError(f"Thư mục {start} không nằm trong kho git nên không so sánh theo phiên bản được; "
                         "hãy đưa hai tệp: --from TỆP_CŨ --to TỆP_MỚI")
    return Path(result.stdout.strip())


def check_revision(repo: Path, revision: str) -> None:
    """UsageError (exit 2) in Vietnamese when git does not know `revision`."""
    if _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").returncode != 0:
        raise UsageError(f"Không có phiên bản “{revision}” trong kho git. Dùng mã commit, tên nhánh hoặc thẻ, "
                         "ví dụ HEAD~1; xem danh sách bằng: git log --oneline")


def text_at(repo: Path, revision: str, path: Path) -> str | None:
    """The file's text at `revision` (None when the file did not exist then)."""
    relative = path.resolve().relative_to(repo.resolve()).as_posix()
    result = _git(repo, "show", f"{revision}:{relative}")
    return result.stdout if result.returncode == 0 else None


def _git(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise TemplateError("Không tìm thấy chương trình git để so sánh các phiên bản") from None


def diff_files(old_path: Path, new_path: Path) -> FileDiff:
    """Two files given on the command line."""
    for path in (old_path, new_path):
        if not path.is_file():
            raise UsageError(f"Không tìm thấy tệp {path}")
    old, new = old_path.read_text(encoding="utf-8"), new_path.read_text(encoding="utf-8")
    return FileDiff(new_path.name, str(old_path), str(new_path), word_diff(old, new))


def diff_revisions(files: tuple[Path, ...], root: Path, old_rev: str, new_rev: str | None) -> tuple[FileDiff, ...]:
    """Each file of a template between two git revisions (`new_rev` None: the files as they are now)."""
    repo = repository_root(root)
    check_revision(repo, old_rev)
    if new_rev is not None:
        check_revision(repo, new_rev)
    diffs = []
    for path in files:
        old = text_at(repo, old_rev, path)
        new = text_at(repo, new_rev, path) if new_rev is not None else path.read_text(encoding="utf-8")
        label = path.resolve().relative_to(root.resolve()).as_posix()
        note = "tệp chưa có ở phiên bản cũ" if old is None else ("tệp không có ở phiên bản mới" if new is None else "")
        diffs.append(FileDiff(label, old_rev, new_rev or "bản hiện tại", word_diff(old or "", new or ""), note))
    return tuple(diffs)
