"""One PDF from the PDFs of a document's parts (the letter, then each annex window), a part at a time.

The PDF renderer lays a long document out in parts (see pdf.py) so that WeasyPrint never holds
every page. Joining them with pypdf's PdfWriter held every part again until it wrote: each part's
bytes and reader (pypdf keeps the readers of what it imports alive), a clone of each of their
objects, then the output, about 2,7 times the output's size (a 3.000-unit dispatch: +26 MiB over
the layout's own peak). `PdfJoin` writes each part's objects out as soon as the part is added,
renumbered, and keeps nothing of the part; what it keeps is one offset per object, one number per
page, the top bookmarks and the named destinations (both written last). The output goes to a
temporary file, not to memory, while the parts are laid out, and is read back once at the end.

What is joined, for WeasyPrint's PDFs: every page in order (with its resources, fonts, pictures and
annotations), every part's bookmarks in order at the top level as pypdf appended them (each item's
own entries and children as the part has them), every part's named destinations (the first of a
name kept), the first part's document information (title, producer) and other catalog entries
(the language). A part whose catalog holds what a join would have to renumber or merge otherwise
(page labels, forms, a structure tree, other name trees) is refused: WeasyPrint writes none of
them for the renderer's HTML.
"""

from __future__ import annotations

import ctypes
import io
import tempfile
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

# The joined file's own page tree, bookmarks and names; every other catalog entry of the first part is copied.
_STRUCTURAL = frozenset({"/Type", "/Pages", "/Outlines", "/Names"})
_UNSUPPORTED = frozenset({"/Dests", "/PageLabels", "/AcroForm", "/StructTreeRoot"})
_LINKS = frozenset({"/Parent", "/Prev", "/Next"})  # a top bookmark's links, set when the file is finished


class PdfJoin:
    """The joined PDF, written as parts are added; `finish()` gives its bytes, `close()` drops them."""

    def __init__(self) -> None:
        self._out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by `finish` or `close`)
        self._offsets: list[int] = [0]  # by object number (0 is the head of the free list)
        self._catalog = self._reserve()
        self._page_tree = self._reserve()
        self._pages: list[int] = []
        self._bookmarks: list[tuple[int, DictionaryObject]] = []  # top items, linked by `finish`
        self._names: dict[bytes, tuple[Any, Any]] = {}  # named destinations: key → (name, destination)
        self._info: tuple[int, DictionaryObject] | None = None
        self._entries: list[tuple[Any, Any]] = []  # the first part's other catalog entries
        self._started = False

    def add(self, part: bytes) -> None:
        """Write `part`'s pages (and what they use), read its bookmarks and names; nothing of it is kept."""
        from pypdf import PdfReader
        from pypdf.generic import NameObject

        reader = PdfReader(io.BytesIO(part))
        catalog = reader.root_object
        refused = sorted(_UNSUPPORTED.intersection(catalog))
        names = _entry(catalog, "/Names", {})
        refused += sorted(f"/Names {key}" for key in names if key != "/Dests")
        if refused:
            raise ValueError(f"cannot join a PDF part whose catalog has {', '.join(refused)}")
        first = not self._started
        if first:
            self._out.write(reader.pdf_header.encode("ascii") + b"\n%\xe2\xe3\xcf\xd3\n")
            self._started = True
        numbers = _Renumbering(reader, self._reserve)
        for page in reader.pages:
            number = numbers.own(page.indirect_reference)
            page[NameObject("/Parent")] = _ref(self._page_tree)
            self._write(number, numbers.rewrite(page))
            self._pages.append(number)
        outlines = catalog.get("/Outlines")
        item = outlines.get_object().get("/First") if outlines is not None else None
        while item is not None:  # the top bookmarks: written when the file is finished, linked across parts
            number = numbers.own(item)
            entries = item.get_object()
            item = entries.get("/Next")
            for key in _LINKS.intersection(entries):
                del entries[key]
            self._bookmarks.append((number, numbers.rewrite(_detached(entries))))
        if "/Dests" in names:
            for name, destination in _name_tree(names.get("/Dests")):
                self._names.setdefault(_string_bytes(name), (name, numbers.rewrite(destination)))
        if first:
            info = reader.trailer.get("/Info")
            if info is not None:
                self._info = (self._reserve(), numbers.rewrite(_detached(info.get_object())))
            self._entries = [(key, numbers.rewrite(value)) for key, value in catalog.items()
                             if key not in _STRUCTURAL]
        for reference, number in numbers.waiting():
            self._write(number, numbers.rewrite(reference.get_object()))

    def finish(self) -> bytes:
        """The joined file: its page tree, bookmarks, names, catalog, information and cross-reference table."""
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

        if not self._started:
            raise ValueError("no PDF part to join")
        catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog"),
                                    NameObject("/Pages"): _ref(self._page_tree)})
        if self._bookmarks:
            catalog[NameObject("/Outlines")] = _ref(self._write_bookmarks())
        if self._names:
            flat = ArrayObject(value for key in sorted(self._names) for value in self._names[key])
            catalog[NameObject("/Names")] = DictionaryObject(
                {NameObject("/Dests"): DictionaryObject({NameObject("/Names"): flat})})
        for key, value in self._entries:
            catalog[key] = value
        self._write(self._page_tree, DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): ArrayObject(_ref(number) for number in self._pages),
            NameObject("/Count"): NumberObject(len(self._pages)),
        }))
        self._write(self._catalog, catalog)
        trailer = DictionaryObject({NameObject("/Size"): NumberObject(len(self._offsets)),
                                    NameObject("/Root"): _ref(self._catalog)})
        if self._info is not None:
            self._write(*self._info)
            trailer[NameObject("/Info")] = _ref(self._info[0])
        missing = [number for number, offset in enumerate(self._offsets) if number and offset < 0]
        if missing:  # every number handed out is written: anything else is a bug here
            raise AssertionError(f"PDF objects numbered but not written: {missing[:10]}")
        out = self._out
        table = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % len(self._offsets))
        out.write(b"".join(b"%010d 00000 n \n" % offset for offset in self._offsets[1:]))
        out.write(b"trailer\n")
        trailer.write_to_stream(out)
        out.write(b"\nstartxref\n%d\n%%%%EOF\n" % table)
        out.seek(0)
        _give_back_free_memory()
        try:
            return out.read()
        finally:
            self.close()

    def close(self) -> None:
        """Drop what was written (the temporary file)."""
        self._out.close()

    def _write_bookmarks(self) -> int:
        """The outline's root and top items, linked in order; the root's number."""
        from pypdf.generic import DictionaryObject, NameObject, NumberObject

        root = self._reserve()
        visible = 0
        for index, (number, item) in enumerate(self._bookmarks):
            item[NameObject("/Parent")] = _ref(root)
            if index > 0:
                item[NameObject("/Prev")] = _ref(self._bookmarks[index - 1][0])
            if index + 1 < len(self._bookmarks):
                item[NameObject("/Next")] = _ref(self._bookmarks[index + 1][0])
            self._write(number, item)
            count = int(item.get("/Count", 0))
            visible += 1 + max(count, 0)  # an open item shows its open descendants too (a closed one counts < 0)
        self._write(root, DictionaryObject({
            NameObject("/Count"): NumberObject(visible),
            NameObject("/First"): _ref(self._bookmarks[0][0]),
            NameObject("/Last"): _ref(self._bookmarks[-1][0]),
        }))
        return root

    def _reserve(self) -> int:
        """A new object number, written later."""
        self._offsets.append(-1)
        return len(self._offsets) - 1

    def _write(self, number: int, value: Any) -> None:
        """Object `number`, whose references are the joined file's numbers already."""
        out = self._out
        self._offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number)
        value.write_to_stream(out)
        out.write(b"\nendobj\n")


class _Renumbering:
    """The object numbers of one part mapped to the joined file's; each object written once."""

    def __init__(self, reader: PdfReader, reserve: Callable[[], int]) -> None:
        self.reader = reader
        self.reserve = reserve
        self.numbers: dict[int, int] = {}  # the part's object number → the joined file's
        self.pending: list[tuple[Any, int]] = []  # (the part's reference, joined number), not yet written

    def own(self, reference: Any) -> int:
        """The joined number of an object its caller writes itself (a page, a top bookmark)."""
        number = self.numbers[reference.idnum] = self.reserve()
        return number

    def rewrite(self, value: Any) -> Any:
        """`value` with every reference into the part replaced, in place, by the joined file's number
        (the referenced object numbered, and waiting to be written, on first sight)."""
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

        if isinstance(value, IndirectObject):
            return _ref(self._number(value)) if value.pdf is self.reader else value
        if isinstance(value, DictionaryObject):
            for key, item in list(value.items()):
                value[key] = self.rewrite(item)
        elif isinstance(value, ArrayObject):
            for index, item in enumerate(value):
                value[index] = self.rewrite(item)
        return value

    def waiting(self) -> Iterator[tuple[Any, int]]:
        """The objects referenced but not written yet, until none is left (writing one may add more)."""
        while self.pending:
            yield self.pending.pop()

    def _number(self, reference: Any) -> int:
        number = self.numbers.get(reference.idnum)
        if number is None:
            number = self.numbers[reference.idnum] = self.reserve()
            self.pending.append((reference, number))
        return number


def _name_tree(node: Any) -> Iterator[tuple[Any, Any]]:
    """The (name, value) pairs of a PDF name tree, values as stored (a reference stays a reference)."""
    node = node.get_object()
    pairs = _entry(node, "/Names", [])
    yield from zip(pairs[::2], pairs[1::2], strict=True)
    for kid in _entry(node, "/Kids", []):
        yield from _name_tree(kid)


def _detached(value: Any) -> Any:
    """`value`, kept past its part: without the back reference pypdf gives what it resolves (which
    would keep the part's reader, and the part, alive)."""
    value.indirect_reference = None
    return value


def _entry(dictionary: Any, key: str, default: Any) -> Any:
    """A dictionary's entry, a reference followed; `default` when it has none."""
    value = dictionary.get(key)
    return default if value is None else value.get_object()


def _string_bytes(name: Any) -> bytes:
    """A PDF string's bytes, which a name tree is sorted by."""
    return bytes(name.original_bytes)  # TextStringObject and ByteStringObject both have it


def _ref(number: int) -> Any:
    """A reference to object `number` of the joined file."""
    from pypdf.generic import IndirectObject

    return IndirectObject(number, 0, None)


def _give_back_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc's malloc_trim; nothing elsewhere).

    When the output is read back, the laid-out windows are gone but glibc keeps their memory (some
    20 MiB at 3.000 units, in pieces below its trim threshold). The output's bytes (18 MB at 3.000
    units) are one new mapping: without this the process grows by them at the very end (peak
    264 -> 281 MiB); with it the output takes the place the windows left (264 -> 261 MiB).
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)
