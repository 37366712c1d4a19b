"""Hand-built Document values for renderer tests (independent of templates and snapshots)."""

from __future__ import annotations

from generator.content.model import Annex, Cell, Document, Header, Paragraph, Signer, Span, Table


def _annex_table(rows: int) -> Table:
    head = ("STT", "Đơn vị", "CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH", "Tổng", "Thay đổi", "Hạng")
    return Table(
        widths=(4, 30, 7, 7, 7, 7, 7, 7, 8, 8, 6),
        header=(tuple(Cell(h, bold=True, align="center") for h in head),),
        rows=tuple(
            (
                Cell(str(i + 1), align="center"),
                Cell(f"Sở Thử nghiệm số {i + 1}"),
                *(Cell("10,25", align="right") for _ in range(6)),
                Cell("61,50", align="right", bold=True),
                Cell("+1,2", align="right"),
                Cell(str(i + 1), align="center"),
            )
            for i in range(rows)
        ),
    )


def dispatch(recipients: tuple[str, ...] = ("Các sở, ban, ngành Thành phố", "UBND các quận, huyện, thị xã"),
             body_paragraphs: int = 8, annex_rows: int = 51, draft_mark: str | None = None) -> Document:
    """A dispatch shaped like Văn bản 2562/UBND-KSTTHC: several recipients, points, a landscape annex."""
    body = [
        Paragraph((Span("Căn cứ kết quả trên Cổng Dịch vụ công quốc gia (https://dichvucong.gov.vn), "
                        "Ủy ban nhân dân Thành phố công khai kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp "
                        "tháng 7/2024 như sau:"),)),
        Paragraph((Span("1. ", bold=True), Span("Kết quả chung", bold=True))),
        Paragraph((Span("Tổng số điểm Thành phố đạt được tháng 7/2024: 58,86/100 điểm, xếp hạng 58/63 tỉnh, "
                        "thành phố (tăng 1,61 điểm so với tháng 6/2024 và tăng 8,10 điểm so với tháng 5/2024)."),)),
        Paragraph((Span("Số liệu được tính tại thời điểm 10h00 ngày 02/8/2024. ", italic=True),
                   Span("Số liệu này có thể thay đổi theo thời gian."),)),
    ]
    for i in range(body_paragraphs):
        body.append(Paragraph((Span(f"{chr(97 + i % 26)}) Nội dung chỉ đạo thứ {i + 1}: các đơn vị khẩn trương rà soát, "
                                    "xác định nguyên nhân, xử lý dứt điểm các hồ sơ đang quá hạn tiếp nhận và xử lý "
                                    "(Sở Tư pháp có số hồ sơ quá hạn cao nhất là 24.130 hồ sơ/53.828 hồ sơ quá hạn "
                                    "toàn thành phố (44,8%)."),)))
    body.append(Paragraph((Span("Ủy ban nhân dân Thành phố yêu cầu các đơn vị nghiêm túc thực hiện./."),)))
    return Document(
        kind="monthly_dispatch",
        header=Header(
            parent_body=(),
            issuing_body=("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI"),
            number_line="Số: 2562/UBND-KSTTHC",
            subject="V/v công khai kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp tháng 7/2024",
            motto_country="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            motto="Độc lập - Tự do - Hạnh phúc",
            date_line="Hà Nội, ngày 06 tháng 8 năm 2024",
        ),
        recipients=recipients,
        body=tuple(body),
        signer=Signer(("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), ("PHÓ CHỦ TỊCH",), "Hà Minh Hải"),
        copies_to=("Như trên", "Chủ tịch UBND Thành phố", "Các PCT UBND Thành phố", "VPUBTP: CVP, các PCVP",
                   "Lưu: VT, KSTTHC"),
        annexes=(
            Annex(
                heading="Phụ lục",
                title="KẾT QUẢ BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP THÁNG 7/2024",
                subtitle="(Kèm theo Văn bản số 2562/UBND-KSTTHC ngày 06/8/2024 của UBND Thành phố)",
                blocks=(Paragraph((Span("I. Sở, ban, ngành", bold=True),), indent=False), _annex_table(annex_rows)),
                landscape=True,
            ),
        ) if annex_rows else (),
        draft_mark=draft_mark,
        title="V/v công khai kết quả Bộ chỉ số tháng 7/2024",
    )


def hostile_notice() -> Document:
    """One recipient whose name carries characters that must be escaped in XML and HTML."""
    return dispatch(recipients=('Sở "Thử" & <Nghiệm>',), body_paragraphs=1, annex_rows=0)
