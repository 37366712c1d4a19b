"""The portal's responses as uploaded (a ZIP, or JSON files): each file recognised as one endpoint page by its name.

A ZIP is read member by member with the standard library, never extracted: a member's name is only
compared with the names `congvan fetch` writes (`transparency.json`, `transparency.page-2.json`,
`service-results.json`, `capture.json`), and the bytes are written under that fixed name in a folder
of ours. Refused, naming the member: more members than `MAX_MEMBERS`, a member or the whole larger than
its limit once decompressed (counted while reading, not taken from the header), a member compressed
more than `MAX_RATIO` times, encrypted members, links and other non-regular entries, absolute names,
`..`, names deeper than one folder or in different folders, and two files for the same endpoint page.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from generator.portal import CAPTURE_FILE, ENDPOINTS

MAX_MEMBERS = 200  # a province of 1.000 units is about 20 files (pages of 100–200 records)
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # as the import reads one response
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # the recorded responses compress 6–26 times; a zip bomb, a thousand
RATIO_FLOOR = 1024 * 1024  # below this size a member's ratio is not judged (tiny files compress oddly)
CHUNK = 64 * 1024
RANKING_FILE = "service-results.json"
IGNORED = ("__macosx/", ".ds_store", "thumbs.db", "desktop.ini")  # what archivers add on their own
_PAGE = re.compile(r"^(?P<endpoint>[a-z-]+?)(?:\.page-(?P<page>[1-9][0-9]{0,3}))?\.json$")


@dataclass(frozen=True)
class PortalFile:
    """One recognised file: the name it is written under (ours) and the name to show (the user's)."""

    name: str
    shown: str
    data: bytes


class NotPortal(Exception):
    """A file that cannot be one of the portal's responses: where (as shown) and why, in Vietnamese."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where, self.message = where, message


def canonical_name(name: str) -> str | None:
    """`transparency.json`, `transparency.page-2.json`, `capture.json` or `service-results.json`, else None."""
    lower = name.lower()
    if lower in (CAPTURE_FILE, RANKING_FILE):
        return lower
    match = _PAGE.match(lower)
    if match is None or match["endpoint"] not in {e.name for e in ENDPOINTS}:
        return None
    page = int(match["page"] or 1)
    return f"{match['endpoint']}.json" if page == 1 else f"{match['endpoint']}.page-{page}.json"


def expected_names() -> str:
    return ", ".join(e.file_name for e in ENDPOINTS)


def recognise(name: str, shown: str, data: bytes) -> PortalFile:
    """One JSON file uploaded on its own, recognised by its name."""
    canonical = canonical_name(name)
    if canonical is None:
        raise NotPortal(shown, f"tên tệp không phải một phản hồi của Cổng; cần các tệp {expected_names()} "
                               "(và capture.json nếu có) đúng tên như congvan fetch lưu")
    return PortalFile(canonical, shown, data)


def read_zip(shown: str, data: bytes) -> list[PortalFile]:
    """The responses inside one ZIP, within the limits; NotPortal naming the first member refused."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError) as error:
        raise NotPortal(shown, f"không phải tệp ZIP đọc được ({error})") from None
    if len(members) > MAX_MEMBERS:
        raise NotPortal(shown, f"tệp ZIP có {len(members)} mục, nhiều hơn mức cho phép {MAX_MEMBERS}")
    wanted = [m for m in members if not _ignored(m.filename)]
    folders = {_checked_parts(shown, m)[:-1] for m in wanted if not m.is_dir()}
    if len(folders) > 1:
        raise NotPortal(shown, "các tệp trong ZIP nằm ở nhiều thư mục khác nhau; hãy nén đúng một thư mục phản hồi "
                               "(hoặc chính các tệp phản hồi)")
    found: list[PortalFile] = []
    total = 0
    for member in wanted:
        if member.is_dir():
            continue
        where = f"{shown} › {_printable(member.filename)}"
        canonical = canonical_name(_checked_parts(shown, member)[-1])
        if canonical is None:
            raise NotPortal(where, f"không phải một phản hồi của Cổng; cần các tệp {expected_names()} (và "
                                   "capture.json nếu có)")
        content = _read_member(archive, member, where, MAX_TOTAL_BYTES - total)
        total += len(content)
        found.append(PortalFile(canonical, where, content))
    return found


def _ignored(name: str) -> bool:
    lower = name.lower()
    return lower.startswith(IGNORED[0]) or PurePosixPath(lower).name in IGNORED[1:]


def _printable(name: str) -> str:
    return "".join(c for c in name if c.isprintable())[:200] or "(không tên)"


def _checked_parts(shown: str, member: zipfile.ZipInfo) -> tuple[str, ...]:
    """The member's name as folder parts: relative, no `..`, at most one folder, a regular file."""
    name = member.filename
    where = f"{shown} › {_printable(name)}"
    if "\\" in name or "\0" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise NotPortal(where, "tên mục trong ZIP không hợp lệ (đường dẫn tuyệt đối hoặc ký tự lạ)")
    parts = tuple(p for p in name.split("/") if p not in ("", "."))
    if any(p == ".." for p in parts) or not parts:
        raise NotPortal(where, "tên mục trong ZIP trỏ ra ngoài thư mục (..)")
    if len(parts) > 2:
        raise NotPortal(where, "tệp nằm sâu trong nhiều lớp thư mục; hãy nén đúng một thư mục phản hồi")
    kind = stat.S_IFMT(member.external_attr >> 16)  # Unix archivers record the type; others leave it 0
    if kind and not member.is_dir() and kind != stat.S_IFREG:
        raise NotPortal(where, "mục trong ZIP là liên kết hoặc tệp đặc biệt, không phải tệp thường")
    if member.flag_bits & 0x1:
        raise NotPortal(where, "mục trong ZIP được mã hóa bằng mật khẩu")
    return parts


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, where: str, room: int) -> bytes:
    """The member's bytes, counted while decompressing: stops as soon as a limit is passed."""
    limit = min(MAX_MEMBER_BYTES, room)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    which = "một tệp" if limit == MAX_MEMBER_BYTES else "cả tệp ZIP"
                    cap = MAX_MEMBER_BYTES if limit == MAX_MEMBER_BYTES else MAX_TOTAL_BYTES
                    raise NotPortal(where, f"giải nén ra quá lớn: vượt mức {cap // (1024 * 1024)} MB cho {which}")
                if size > RATIO_FLOOR and size > MAX_RATIO * max(member.compress_size, 1):
                    raise NotPortal(where, f"tỉ lệ nén bất thường (hơn {MAX_RATIO} lần): có thể là tệp ZIP độc hại")
                chunks.append(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as error:
        raise NotPortal(where, f"không giải nén được ({error})") from None
    return b"".join(chunks)
