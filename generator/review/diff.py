"""`congvan templates diff`: what changed in a template's wording between two versions, word by word.

By default both versions are turned into the reviewer's wording — the paragraphs of the review
pack, variables as ‹meaning›, conditions in plain Vietnamese (generator/templating/passages.py) —
and compared paragraph by paragraph: paragraphs are aligned first (an inserted paragraph is one
added block), then each changed paragraph word by word. Removed words are shown as [-…-], added
ones as {+…+}; unchanged paragraphs are left out unless context is asked for.

`--raw` compares the source text line by line instead (Jinja and markup included); so does a
version whose wording cannot be built (a Jinja syntax error), with a note saying why.

Old and new texts come from git revisions (`git show REV:path`, read-only) or from two files.
Whitespace and line breaks alone are never changes.
"""

from __future__ import annotations

import difflib
import subprocess
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.common.errors import TemplateError, UsageError
from generator.content import TemplateInfo
from generator.review.passages import Passage, Unreadable, template_passages
from generator.review.textdiff import ChangedLine, Piece, paragraph_pieces, similarity, word_diff

__all__ = ["Change", "ChangedLine", "FileDiff", "Piece", "Revision", "Versions", "approval_revision",
           "compare_passages", "read_versions", "report", "revisions", "summary", "template_diffs", "word_diff"]

_PAIR_CUTOFF = 0.5  # two paragraphs less alike than this are one removed and one added, not one changed
CURRENT = "bản hiện tại"


@dataclass(frozen=True)
class Change:
    """One paragraph of the wording: "same", "changed", "added" or "removed", with its words marked."""

    kind: str
    old: Passage | None
    new: Passage | None
    pieces: tuple[Piece, ...]

    def plain(self) -> str:
        return "".join(p.marked() for p in self.pieces)


@dataclass(frozen=True)
class FileDiff:
    """The changes in one file of a template: paragraphs of wording, or source lines (`raw`)."""

    label: str  # the file as the reader knows it: "monthly_dispatch/template.xml.j2"
    old_name: str
    new_name: str
    lines: tuple[ChangedLine, ...] = ()  # source lines (--raw, or a version whose wording cannot be built)
    note: str = ""  # e.g. "tệp chưa có ở phiên bản cũ"
    changes: tuple[Change, ...] = ()  # every paragraph, unchanged ones included (kind "same")
    raw: bool = False
    fallback: str = ""  # why the source is compared instead of the wording (a version does not parse)

    @property
    def changed(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind != "same")


# ---------- paragraphs of wording ----------


def compare_passages(old: Sequence[Passage], new: Sequence[Passage]) -> tuple[Change, ...]:
    """Align the paragraphs of two versions, then mark the words of each changed one."""
    matcher = difflib.SequenceMatcher(None, [p.key for p in old], [p.key for p in new], autojunk=False)
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes += (Change("same", a, b, (Piece("same", b.key),)) for a, b in zip(old[i1:i2], new[j1:j2]))
        else:
            changes += _paired(old[i1:i2], new[j1:j2])
    return tuple(changes)


def _paired(old: Sequence[Passage], new: Sequence[Passage]) -> list[Change]:
    """Within a replaced stretch, the most alike pair is one changed paragraph; the rest, recursively."""
    best, where = _PAIR_CUTOFF, None
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            ratio = similarity(a.key, b.key)
            if ratio > best:
                best, where = ratio, (i, j)
    if where is None:
        return ([Change("removed", a, None, (Piece("removed", a.key),)) for a in old]
                + [Change("added", None, b, (Piece("added", b.key),)) for b in new])
    i, j = where
    changed = Change("changed", old[i], new[j], paragraph_pieces(old[i].key, new[j].key))
    return [*_paired(old[:i], new[:j]), changed, *_paired(old[i + 1:], new[j + 1:])]


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


@dataclass(frozen=True)
class Revision:
    """A git commit that changed a template's files: what a reviewer picks a version by."""

    id: str  # the full commit hash
    short: str
    date: str  # YYYY-MM-DD
    subject: str


def revisions(info: TemplateInfo, limit: int = 30) -> tuple[Revision, ...]:
    """The commits that changed the template's files or manifest, newest first; () outside a git repository."""
    paths = [str(p) for p in (*info.files, info.manifest_path)]
    result = _git(info.directory, "log", f"-n{limit}", "--format=%H%x1f%h%x1f%ad%x1f%s", "--date=short", "--", *paths)
    if result.returncode != 0:
        return ()
    found = []
    for line in result.stdout.splitlines():
        parts = line.split("\x1f")
        if len(parts) == 4:
            found.append(Revision(*parts))
    return tuple(found)


def approval_revision(info: TemplateInfo) -> str | None:
    """The commit that recorded the template's current approval (its hash in manifest.yaml), if committed."""
    if not info.approved_sha256:
        return None
    result = _git(info.directory, "log", "-n1", "--format=%H", f"-S{info.approved_sha256}", "--",
                  str(info.manifest_path))
    return result.stdout.strip() or None if result.returncode == 0 else None


@dataclass(frozen=True)
class Versions:
    """The two versions of a template's files to compare, keyed by the files' current paths."""

    old_name: str
    new_name: str
    files: tuple[tuple[str, Path], ...]  # (label shown to the reader, the template's file)
    old: Mapping[Path, str | None]  # None: the file is not in that version
    new: Mapping[Path, str | None]


def read_versions(info: TemplateInfo, old: str, new: str | None) -> Versions:
    """Two files (`old` names an existing file) or two git revisions (`new` None: the files as they are now)."""
    if Path(old).is_file():
        old_path, new_path = Path(old), Path(new) if new else info.main_file
        if not new_path.is_file():
            raise UsageError(f"Không tìm thấy tệp {new_path}")
        return Versions(str(old_path), str(new_path), ((new_path.name, info.main_file),),
                        {info.main_file: old_path.read_text(encoding="utf-8")},
                        {info.main_file: new_path.read_text(encoding="utf-8")})
    repo = repository_root(info.root)
    check_revision(repo, old)
    if new is not None:
        check_revision(repo, new)
    labels = tuple((path.resolve().relative_to(info.root.resolve()).as_posix(), path) for path in info.files)
    return Versions(old, new or CURRENT, labels, {path: text_at(repo, old, path) for path in info.files},
                    {path: text_at(repo, new, path) if new is not None else _current(path) for path in info.files})


def _current(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def raw_diffs(versions: Versions) -> tuple[FileDiff, ...]:
    """Each file's source text compared line by line (`--raw`)."""
    return tuple(FileDiff(label, versions.old_name, versions.new_name,
                          word_diff(versions.old[path] or "", versions.new[path] or ""),
                          _presence(versions.old[path], versions.new[path]), raw=True)
                 for label, path in versions.files)


def wording_diffs(info: TemplateInfo, versions: Versions) -> tuple[FileDiff, ...]:
    """Each file's wording, as the review pack shows it, compared paragraph by paragraph."""
    main = info.main_file
    old = template_passages(info, versions.old, fallback_main=versions.new.get(main))
    new = template_passages(info, versions.new, fallback_main=versions.old.get(main))
    diffs = []
    for label, path in versions.files:
        before, after = old.get(path), new.get(path)
        if before is None and after is None:
            continue
        if isinstance(before, Unreadable) or isinstance(after, Unreadable):
            reasons = [f"{_version_phrase(name)} có lỗi ({wording.reason})" for name, wording in
                       ((versions.old_name, before), (versions.new_name, after)) if isinstance(wording, Unreadable)]
            fallback = (" và ".join(reasons) + " nên không dựng được lời văn; "
                        "dưới đây so sánh nguyên văn mã nguồn của tệp, từng dòng.")
            diffs.append(FileDiff(label, versions.old_name, versions.new_name,
                                  word_diff(versions.old[path] or "", versions.new[path] or ""),
                                  _presence(versions.old[path], versions.new[path]), raw=True, fallback=fallback))
            continue
        diffs.append(FileDiff(label, versions.old_name, versions.new_name,
                              note=_presence(versions.old[path], versions.new[path]),
                              changes=compare_passages(before or (), after or ())))
    return tuple(diffs)


def _version_phrase(name: str) -> str:
    return name if name == CURRENT else f"bản {name}"


def _presence(old: str | None, new: str | None) -> str:
    if old is None:
        return "tệp chưa có ở phiên bản cũ"
    return "tệp không có ở phiên bản mới" if new is None else ""


def template_diffs(info: TemplateInfo, old: str, new: str | None = None, raw: bool = False) -> tuple[FileDiff, ...]:
    """What `templates diff` compares: the wording by default, the source lines with `raw`."""
    versions = read_versions(info, old, new)
    return raw_diffs(versions) if raw else wording_diffs(info, versions)


# ---------- the report ----------


Line = tuple[Piece, ...]


def report(diffs: Sequence[FileDiff], context: int = 0) -> tuple[Line, ...]:
    """The lines `templates diff` prints: per file a title, each change under a heading, then a summary."""
    lines: list[Line] = []
    for file_diff in diffs:
        note = f" ({file_diff.note})" if file_diff.note else ""
        lines.append((Piece("heading", f"== {file_diff.label}: {file_diff.old_name} → {file_diff.new_name}{note}"),))
        if file_diff.fallback:
            lines.append((Piece("note", f"   Ghi chú: {file_diff.fallback}"),))
        if not (file_diff.lines if file_diff.raw else file_diff.changed):
            lines.append((Piece("note", "   Không có thay đổi về lời văn."),))
        elif file_diff.raw:
            lines += ((Piece("same", f"dòng {line.number}: "), *line.pieces) for line in file_diff.lines)
        else:
            lines += _paragraph_lines(file_diff, context)
    lines.append((Piece("note", summary(diffs)),))
    return tuple(lines)


def summary(diffs: Sequence[FileDiff]) -> str:
    """"Tổng cộng: N đoạn thay đổi, M đoạn thêm, K đoạn bỏ." (and the source lines compared raw, if any)."""
    counts: defaultdict[str, int] = defaultdict(int)
    for file_diff in diffs:
        for change in file_diff.changed:
            counts[change.kind] += 1
    raw_lines = sum(len(d.lines) for d in diffs if d.raw)
    if diffs and all(d.raw for d in diffs):
        return f"Tổng cộng: {raw_lines} dòng mã nguồn thay đổi."
    text = f"Tổng cộng: {counts['changed']} đoạn thay đổi, {counts['added']} đoạn thêm, {counts['removed']} đoạn bỏ"
    return text + (f"; {raw_lines} dòng mã nguồn thay đổi ở tệp so sánh nguyên văn." if raw_lines else ".")


def _paragraph_lines(file_diff: FileDiff, context: int) -> list[Line]:
    """Changed paragraphs under their headings; with `context`, that many unchanged ones around each."""
    changes = file_diff.changes
    shown = sorted({k for i, c in enumerate(changes) if c.kind != "same"
                    for k in range(max(0, i - context), min(len(changes), i + context + 1))})
    hunks: list[list[int]] = []
    for i in shown:
        if hunks and i == hunks[-1][-1] + 1:
            hunks[-1].append(i)
        else:
            hunks.append([i])
    lines: list[Line] = []
    for number, hunk in enumerate(hunks):
        if number and context:
            lines.append((Piece("context", "   …"),))
        first = next(i for i in hunk if changes[i].kind != "same")
        lines.append((Piece("heading", _heading(file_diff.label, changes, first)),))  # before the context
        for i in hunk:
            change = changes[i]
            if change.kind == "same":
                lines.append((Piece("context", "   " + change.plain()),))
                continue
            run_start = change.kind == "changed" or changes[i - 1].kind != change.kind
            if i != first and run_start:
                lines.append((Piece("heading", _heading(file_diff.label, changes, i)),))
            lines.append((Piece("same", "   "), *change.pieces))
    return lines


def _heading(label: str, changes: Sequence[Change], start: int) -> str:
    """"-- Sửa đoạn (FILE, dòng 14; mục “1. …”):" for a changed paragraph or a run of added/removed ones."""
    change = changes[start]
    end = start
    while change.kind != "changed" and end + 1 < len(changes) and changes[end + 1].kind == change.kind:
        end += 1
    count = end - start + 1
    passage = change.new if change.kind != "removed" else change.old
    assert passage is not None
    last = changes[end].new if change.kind != "removed" else changes[end].old
    lines = f"{passage.line}" if last is None or last.line == passage.line else f"{passage.line}–{last.line}"
    where = f"{label}, dòng {lines}" + (" ở bản cũ" if change.kind == "removed" else "")
    if passage.section:
        where += f"; {passage.section}"
    what = {"changed": "Sửa đoạn", "added": "Thêm", "removed": "Bỏ"}[change.kind]
    if change.kind != "changed":
        what += f" {count} đoạn" if count > 1 else " đoạn"
    return f"-- {what} ({where}):"
