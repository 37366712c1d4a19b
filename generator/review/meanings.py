"""Vietnamese meanings and example values of the analysis and snapshot values templates reach.

The context dataclasses (generator/content/context.py) carry their own `vi`/`example` metadata and
the issuer profile its Field descriptions; the analysis and snapshot models are pure data with no
wording, so their meanings live here, keyed "Class.attribute". A test walks every class a
template can reach and fails when an attribute has no entry, so this table cannot fall behind.
Examples are Hà Nội, 7/2024 (fixtures/ha-noi/2024-07.xlsx).
"""

from __future__ import annotations

MEANINGS: dict[str, tuple[str, str]] = {
    # AuthorityAnalysis: the evaluated authority (province or city)
    "AuthorityAnalysis.name": ("Tên địa phương như Cổng Dịch vụ công quốc gia ghi", "UBND Thành phố Hà Nội"),
    "AuthorityAnalysis.code": ("Mã địa phương trên Cổng", "H26"),
    "AuthorityAnalysis.period": ("Kỳ báo cáo (tháng, quý hoặc năm)", "tháng 7/2024"),
    "AuthorityAnalysis.cutoff": ("Thời điểm lấy số liệu", "10h00 ngày 02/8/2024"),
    "AuthorityAnalysis.total": ("Tổng điểm của địa phương", "58,86"),
    "AuthorityAnalysis.rank": ("Thứ hạng của địa phương", "58"),
    "AuthorityAnalysis.ranked_count": ("Số tỉnh, thành phố được xếp hạng", "63"),
    "AuthorityAnalysis.delta_previous": ("Thay đổi tổng điểm so với kỳ trước (trống khi thiếu số liệu kỳ trước)",
                                         "tăng 1,61 điểm so với tháng 6/2024"),
    "AuthorityAnalysis.delta_before": ("Thay đổi tổng điểm so với hai kỳ trước (trống khi thiếu số liệu kỳ đó)",
                                       "tăng 8,1 điểm so với tháng 5/2024"),
    "AuthorityAnalysis.weakest_group": ("Nhóm chỉ số có kết quả thấp nhất của địa phương",
                                        "Công khai, minh bạch: 4,20/18"),
    "AuthorityAnalysis.overdue_total": ("Tổng số hồ sơ quá hạn toàn địa phương (lũy kế)", "53.828"),
    "AuthorityAnalysis.source": ("Tên nguồn số liệu", "Cổng Dịch vụ công quốc gia"),
    "AuthorityAnalysis.source_url": ("Địa chỉ trang nguồn số liệu", "https://dichvucong.gov.vn"),
    # UnitAnalysis: one department, district or commune
    "UnitAnalysis.unit": ("Số liệu gốc của đơn vị (điểm từng nhóm, số hồ sơ, các tỷ lệ)",
                          "Sở Tư pháp: 9,92; 11,72; ..."),
    "UnitAnalysis.total": ("Tổng điểm của đơn vị (trống khi chưa đủ số liệu)", "66,90"),
    "UnitAnalysis.rank": ("Thứ hạng của đơn vị trong các đơn vị cùng loại (trống khi không được xếp hạng)", "15"),
    "UnitAnalysis.ranked_count": ("Số đơn vị cùng loại được xếp hạng", "21"),
    "UnitAnalysis.delta_previous": ("Thay đổi tổng điểm của đơn vị so với kỳ trước",
                                    "tăng 1,51 điểm so với tháng 6/2024"),
    "UnitAnalysis.delta_before": ("Thay đổi tổng điểm của đơn vị so với hai kỳ trước",
                                  "tăng 4,73 điểm so với tháng 5/2024"),
    "UnitAnalysis.weakest_group": ("Nhóm chỉ số có kết quả thấp nhất của đơn vị",
                                   "Công khai, minh bạch: 9,92/18"),
    "UnitAnalysis.overdue_share": ("Tỷ lệ hồ sơ quá hạn của đơn vị so với toàn địa phương", "44,8%"),
    "UnitAnalysis.holds_most_overdue": ("Đơn vị có số hồ sơ quá hạn cao nhất", "có (Sở Tư pháp)"),
    "UnitAnalysis.targets": ("Kết quả của đơn vị với từng chỉ tiêu", "Tỷ lệ thanh toán trực tuyến: 73,8%"),
    "UnitAnalysis.excluded_reason": ("Lý do đơn vị không được tính tổng điểm, xếp hạng (trống khi được xếp hạng)",
                                     "Thiếu số liệu nhóm Tiến độ giải quyết"),
    "UnitAnalysis.code": ("Mã đơn vị", "STP"),
    "UnitAnalysis.name": ("Tên đơn vị", "Sở Tư pháp"),
    "UnitAnalysis.kind": ("Loại đơn vị (sở, ban, ngành / quận, huyện, thị xã / xã, phường)", "sở, ban, ngành"),
    "UnitAnalysis.overdue": ("Số hồ sơ quá hạn của đơn vị (lũy kế)", "24.130"),
    "UnitAnalysis.missed_targets": ("Các chỉ tiêu đơn vị chưa đạt", "Tỷ lệ số hóa hồ sơ: 42,4%"),
    # KindRanking: the ranking table of one kind of unit
    "KindRanking.kind": ("Loại đơn vị của bảng xếp hạng", "sở, ban, ngành"),
    "KindRanking.ranked": ("Các đơn vị được xếp hạng, theo thứ hạng", "Sở Quy hoạch - Kiến trúc, ..."),
    "KindRanking.unranked": ("Các đơn vị chưa đủ số liệu để xếp hạng", "UBND huyện Thanh Oai"),
    # Delta: change of a total since an earlier month
    "Delta.period": ("Kỳ được so sánh (cùng loại kỳ, liền trước hoặc trước nữa)", "tháng 6/2024"),
    "Delta.previous": ("Tổng điểm của kỳ được so sánh", "57,25"),
    "Delta.change": ("Mức thay đổi tổng điểm (dương: tăng, âm: giảm)", "1,61"),
    # GroupShare: a group's score against its maximum
    "GroupShare.group": ("Nhóm chỉ số", "Công khai, minh bạch"),
    "GroupShare.score": ("Điểm đạt được của nhóm chỉ số", "4,20"),
    "GroupShare.share": ("Tỷ lệ điểm đạt được so với điểm tối đa của nhóm", "23,3%"),
    "GroupShare.shortfall": ("Số điểm còn thiếu so với điểm tối đa của nhóm", "13,80"),
    # Group: one of the six groups of the index
    "Group.code": ("Mã nhóm chỉ số", "ckmb"),
    "Group.label": ("Tên nhóm chỉ số", "Công khai, minh bạch"),
    "Group.max_score": ("Điểm tối đa của nhóm chỉ số", "18"),
    # Target / TargetCheck: configured targets (issuer profile) and one unit against one target
    "Target.id": ("Mã chỉ tiêu", "online_payment"),
    "Target.figure": ("Tỷ lệ được so với chỉ tiêu", "online_payment_rate"),
    "Target.minimum": ("Mức tối thiểu của chỉ tiêu (%)", "55%"),
    "Target.label": ("Tên chỉ tiêu", "Tỷ lệ thanh toán trực tuyến trên tổng số giao dịch thanh toán"),
    "TargetCheck.target": ("Chỉ tiêu", "Tỷ lệ thanh toán trực tuyến ≥ 55%"),
    "TargetCheck.actual": ("Tỷ lệ đơn vị đạt được (%; trống khi đơn vị không có số liệu)", "42,4%"),
    "TargetCheck.missed": ("Đơn vị chưa đạt chỉ tiêu", "có"),
    "TargetCheck.gap": ("Số điểm phần trăm còn thiếu so với chỉ tiêu (trống khi đã đạt)", "57,6"),
    # Period: a reporting month, quarter or year
    "Period.year": ("Năm", "2024"),
    "Period.month": ("Tháng (số; trống khi kỳ là quý hoặc năm)", "7"),
    "Period.quarter": ("Quý (số; trống khi kỳ là tháng hoặc năm)", "3"),
    "Period.kind": ("Loại kỳ: tháng, quý hoặc năm", "month"),
    "Period.first_month": ("Tháng đầu của kỳ (số)", "7"),
    "Period.last_month": ("Tháng cuối của kỳ (số)", "7"),
    "Period.start": ("Ngày đầu của kỳ", "01/7/2024"),
    "Period.end": ("Ngày cuối của kỳ", "31/7/2024"),
    "Period.label": ("Kỳ dạng ngắn, sau danh từ chỉ kỳ", "7/2024 (quý: III/2026; năm: 2026)"),
    "Period.noun": ("Danh từ chỉ kỳ: “tháng”, “quý” hoặc “năm”", "tháng"),
    "Period.phrase": ("Kỳ báo cáo như văn bản ghi", "tháng 7/2024 (quý III/2026; năm 2026)"),
    # PeriodKind: month, quarter or year
    "PeriodKind.value": ("Mã loại kỳ", "month"),
    "PeriodKind.noun": ("Danh từ chỉ loại kỳ", "tháng"),
    # UnitKind: the kind of a unit
    "UnitKind.label": ("Tên loại đơn vị (số nhiều)", "sở, ban, ngành"),
    "UnitKind.value": ("Mã loại đơn vị", "so_nganh"),
    # UnitResult: one row of the snapshot
    "UnitResult.code": ("Mã đơn vị", "STP"),
    "UnitResult.name": ("Tên đơn vị", "Sở Tư pháp"),
    "UnitResult.kind": ("Loại đơn vị", "sở, ban, ngành"),
    "UnitResult.row": ("Dòng của đơn vị trong tệp số liệu", "4"),
    "UnitResult.groups": ("Điểm sáu nhóm chỉ số theo thứ tự nhóm (ô trống: chưa có số liệu)",
                          "9,92; 11,72; 8,80; 6,85; 15,35; 14,26"),
    "UnitResult.received": ("Số hồ sơ tiếp nhận", "40.068"),
    "UnitResult.on_time": ("Số hồ sơ giải quyết đúng hạn, trước hạn", "23.489"),
    "UnitResult.overdue": ("Số hồ sơ quá hạn (lũy kế)", "24.130"),
    "UnitResult.online_payment_rate": ("Tỷ lệ thanh toán trực tuyến (%)", "73,8%"),
    "UnitResult.online_dossier_rate": ("Tỷ lệ hồ sơ trực tuyến (%)", "77,7%"),
    "UnitResult.digitization_rate": ("Tỷ lệ số hóa hồ sơ, kết quả giải quyết (%)", "42,4%"),
    "UnitResult.e_result_rate": ("Tỷ lệ cấp kết quả bản điện tử (%)", "64,5%"),
    "UnitResult.missing_groups": ("Các nhóm chỉ số chưa có số liệu", "Tiến độ giải quyết"),
    "UnitResult.total": ("Tổng điểm sáu nhóm (trống khi thiếu nhóm nào)", "66,90"),
    # Analysis: the whole result, as directive rule texts see it
    "Analysis.authority": ("Kết quả của địa phương", "UBND Thành phố Hà Nội: 58,86 điểm"),
    "Analysis.units": ("Tất cả các đơn vị, theo thứ tự trong tệp số liệu", "Văn phòng UBND Thành phố, Sở Nội vụ, ..."),
    "Analysis.by_kind": ("Bảng xếp hạng theo từng loại đơn vị", "sở, ban, ngành; quận, huyện, thị xã"),
    "Analysis.most_overdue": ("Đơn vị có nhiều hồ sơ quá hạn nhất", "Sở Tư pháp"),
    "Analysis.history_periods": ("Các kỳ trước có số liệu để so sánh", "5/2024, 6/2024"),
    "Analysis.targets": ("Các chỉ tiêu năm được cấu hình", "Tỷ lệ thanh toán trực tuyến ≥ 55%, ..."),
}

# Examples for issuer profile fields whose description carries no “ví dụ …”.
ISSUER_EXAMPLES: dict[str, str] = {
    "Issuer.parent_body": "(trống)",
    "Issuer.issuing_body": "ỦY BAN NHÂN DÂN / THÀNH PHỐ HÀ NỘI",
}

# What one item of a class is called in a sentence: "lặp lại cho mỗi đơn vị".
CLASS_NOUNS: dict[str, str] = {
    "AuthorityAnalysis": "kết quả địa phương",
    "UnitAnalysis": "đơn vị",
    "KindRanking": "loại đơn vị",
    "Delta": "mức thay đổi",
    "GroupShare": "nhóm chỉ số",
    "Group": "nhóm chỉ số",
    "Target": "chỉ tiêu",
    "TargetCheck": "chỉ tiêu của đơn vị",
    "TargetResult": "chỉ tiêu",
    "Period": "kỳ báo cáo",
    "PeriodKind": "loại kỳ",
    "UnitKind": "loại đơn vị",
    "UnitResult": "số liệu đơn vị",
    "Issuer": "cơ quan ban hành",
    "IssueInfo": "số, ngày văn bản",
    "DirectiveView": "nội dung chỉ đạo",
    "Analysis": "kết quả phân tích",
    "Decimal": "số",
    "int": "số",
    "str": "mục",
}

# Attributes Jinja gives a `{% for %}` loop.
LOOP_MEANINGS: dict[str, tuple[str, str]] = {
    "index": ("Số thứ tự của lần lặp, đếm từ 1", "1"),
    "index0": ("Số thứ tự của lần lặp, đếm từ 0", "0"),
    "revindex": ("Số lần lặp còn lại, tính cả lần này", "3"),
    "revindex0": ("Số lần lặp còn lại sau lần này", "2"),
    "first": ("Là lần lặp đầu tiên", "có"),
    "last": ("Là lần lặp cuối cùng", "không"),
    "length": ("Số mục được lặp", "4"),
    "previtem": ("Mục của lần lặp trước", ""),
    "nextitem": ("Mục của lần lặp sau", ""),
    "depth": ("Độ sâu của vòng lặp lồng nhau, từ 1", "1"),
    "depth0": ("Độ sâu của vòng lặp lồng nhau, từ 0", "0"),
    "cycle": ("Luân phiên giữa các giá trị cho trước", ""),
    "changed": ("Giá trị có thay đổi so với lần lặp trước", ""),
}
