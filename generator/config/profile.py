"""Issuer profiles: everything that belongs to one authority (names, signer, recipients, targets).

One YAML file per authority under `profiles/`. Nothing authority-specific lives in code: another
province works by adding a profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import ErrorDetails

from generator.analysis import Target
from generator.common.errors import ConfigError, Problem, UsageError
from generator.common.layout import Layout
from generator.common.resources import PROFILES_DIR
from generator.common.textfold import fold
from generator.common.yamlfile import YamlDocument, load_yaml
from generator.config.unit_kinds import kind_labels
from generator.snapshot import Period, SnapshotMeta, UnitKind

_MISSING = object()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MatchRule(_Strict):
    """How a snapshot's authority is recognised: its portal code, or one of its names."""

    codes: tuple[str, ...] = Field(default=(), description="Mã cơ quan trên Cổng (ví dụ H26)")
    names: tuple[str, ...] = Field(default=(), description="Các tên cơ quan như Cổng ghi")
    from_period: str | None = Field(default=None, description="Áp dụng từ tháng (YYYY-MM); trống: không giới hạn")
    until_period: str | None = Field(default=None, description="Áp dụng đến hết tháng (YYYY-MM); trống: không giới hạn")

    @field_validator("from_period", "until_period")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            period = Period.parse(str(value))
        except ValueError:
            period = None
        if period is None or period.month is None:
            raise ValueError(f"“{value}” không phải một tháng dạng YYYY-MM") from None
        return str(period)

    def names_authority(self, meta: SnapshotMeta) -> bool:
        """Whether the snapshot's authority code or name is one of this rule's."""
        if meta.authority_code and meta.authority_code.strip().upper() in {c.upper() for c in self.codes}:
            return True
        return fold(meta.authority_name) in {fold(n) for n in self.names}

    def covers(self, period: Period) -> bool:
        """Whether the profile applies to `period` (e.g. an authority's units changed in mid-2025).

        A quarter or a year is judged by its last month: results published for it describe the
        authority as it stood at the period's end."""
        month = Period(period.year, period.last_month)
        if self.from_period and month < Period.parse(self.from_period):
            return False
        return not (self.until_period and month > Period.parse(self.until_period))


class Issuer(_Strict):
    """The issuing body as it appears in the header and in the text."""

    parent_body: tuple[str, ...] = Field(default=(), description="Tên cơ quan chủ quản (nếu có), chữ in hoa")
    issuing_body: tuple[str, ...] = Field(description="Tên cơ quan ban hành, chữ in hoa, mỗi dòng một mục")
    self_name: str = Field(description="Cách văn bản tự gọi cơ quan ban hành, ví dụ “Ủy ban nhân dân Thành phố”")
    short_name: str = Field(description="Tên viết gọn dùng trong phụ lục, ví dụ “UBND Thành phố”")
    area_term: str = Field(description="Cách gọi địa bàn, ví dụ “Thành phố” hoặc “Tỉnh”")
    place: str = Field(description="Địa danh ghi ở dòng ngày tháng, ví dụ “Hà Nội”")
    symbol: str = Field(description="Ký hiệu văn bản, ví dụ “UBND-KSTTHC”")
    drafting_unit: str = Field(description="Viết tắt đơn vị soạn thảo, ví dụ “KSTTHC”")
    peer_label: str = Field(default="tỉnh, thành phố", description="Nhóm được xếp hạng cùng, ví dụ “tỉnh, thành phố”")
    head_title: str = Field(default="", description="Người đứng đầu cơ quan ban hành (trống: chữ Chủ tịch và tên viết "
                                                     "gọn), ví dụ “Chủ tịch UBND Thành phố”")
    control_office: str = Field(default="", description="Cơ quan tham mưu kiểm soát thủ tục hành chính (trống: chữ Văn "
                                                         "phòng và tên viết gọn), ví dụ “Văn phòng UBND Thành phố”")
    unit_heads: str = Field(default="Thủ trưởng các cơ quan, đơn vị",
                            description="Người đứng đầu các đơn vị được công khai, ví dụ “Giám đốc, Thủ trưởng các sở, "
                                        "ban, ngành, Chủ tịch UBND các quận, huyện, thị xã”")

    @model_validator(mode="after")
    def _defaults_from_short_name(self) -> Issuer:
        """The head and the control office default to the usual titles built on the short name."""
        if not self.head_title.strip():
            object.__setattr__(self, "head_title", f"Chủ tịch {self.short_name}")
        if not self.control_office.strip():
            object.__setattr__(self, "control_office", f"Văn phòng {self.short_name}")
        return self

    @field_validator("symbol")
    @classmethod
    def _no_spaces_in_symbol(cls, value: str) -> str:
        if " " in value.strip() or not value.strip():
            raise ValueError("ký hiệu văn bản không được có dấu cách (NĐ 30: “UBND-KSTTHC”)")
        return value.strip()


class SignerConfig(_Strict):
    authority_lines: tuple[str, ...] = Field(description="Quyền hạn ký, ví dụ “TM. ỦY BAN NHÂN DÂN”, “KT. CHỦ TỊCH”")
    title_lines: tuple[str, ...] = Field(description="Chức vụ người ký, ví dụ “PHÓ CHỦ TỊCH”")
    name: str = Field(default="", description="Họ và tên người ký (để trống để văn thư điền)")

    def describe(self) -> str:
        """Who signs, as the page, the register and messages show it: "Hà Minh Hải (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH)"."""
        title = ", ".join([*self.authority_lines[-1:], *self.title_lines])
        name = self.name.strip() or "(chưa có họ tên trong hồ sơ cơ quan)"
        return f"{name} ({title})" if title else name


class ListedSigner(SignerConfig):
    """One more person who may sign: the name is required (it is how --signer and the page choose them)."""

    name: str = Field(description="Họ và tên người ký")

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("người ký thêm phải ghi rõ họ và tên")
        return " ".join(value.split())


class DocumentConfig(_Strict):
    """Per document kind: who receives it and the "Nơi nhận" list."""

    recipients: tuple[str, ...] = Field(default=(), description="Kính gửi (để trống với thông báo gửi từng đơn vị)")
    copies_to: tuple[str, ...] = Field(description="Nơi nhận, dòng đầu “Như trên”, dòng cuối “Lưu: VT, ...”")


class ChartSwitches(_Strict):
    """Which charts the documents carry; each can be turned off (`charts: {kind_bars: false}`)."""

    authority_trend: bool = Field(
        default=True, description="Phụ lục công văn: biểu đồ tổng điểm của địa phương qua các kỳ gần nhất")
    kind_bars: bool = Field(
        default=True, description="Phụ lục công văn: biểu đồ tổng điểm các đơn vị từng loại, có mức bình quân")
    unit_groups: bool = Field(
        default=True, description="Thông báo: biểu đồ tỷ lệ điểm sáu nhóm chỉ số của đơn vị so với bình quân")
    unit_trend: bool = Field(
        default=True, description="Thông báo: biểu đồ tổng điểm của đơn vị qua các kỳ gần nhất")


class Profile(_Strict):
    """One authority's profile."""

    id: str
    match: MatchRule
    issuer: Issuer
    signer: SignerConfig
    signers: tuple[ListedSigner, ...] = Field(
        default=(), description="Những người khác cũng được ký (signer ở trên là người ký mặc định); chọn bằng "
                                "--signer hoặc trên trang web")
    documents: dict[str, DocumentConfig]
    layout: Layout = Layout()
    targets: dict[int, tuple[Target, ...]] = Field(default_factory=dict, description="Chỉ tiêu theo năm")
    score_targets: dict[int, Annotated[Decimal, Field(ge=0, le=100)]] = Field(
        default_factory=dict, description="Chỉ tiêu tổng điểm Bộ chỉ số của địa phương theo năm (vẽ trên biểu đồ)")
    charts: ChartSwitches = Field(default_factory=ChartSwitches, description="Bật, tắt từng biểu đồ")
    plans: dict[int, str] = Field(default_factory=dict,
                                  description="Văn bản đặt ra chỉ tiêu của năm, ví dụ “Kế hoạch số …/KH-UBND”")
    directives: dict[str, bool] = Field(default_factory=dict,
                                        description="Bật (true) hoặc tắt (false) từng quy tắc chỉ đạo theo mã")
    placeholders: dict[str, str] = Field(
        default_factory=dict,
        description="Giá trị tạm chưa được xác nhận (mục → ghi chú): văn bản là dự thảo, --official từ chối")
    motto_country: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: str = "Độc lập - Tự do - Hạnh phúc"
    unit_names: dict[str, str] = Field(
        default_factory=dict,
        description="Tên chính thức của đơn vị khi quy tắc chưa đúng, theo mã đơn vị trên Cổng (departmentId "
                    "hoặc departmentCode), ví dụ “H44.03: Ban Quản lý các khu công nghiệp tỉnh”")
    unit_kind_labels: dict[UnitKind, str] = Field(
        default_factory=dict,
        description="Cách gọi loại đơn vị riêng của cơ quan, ví dụ “xa: xã, phường, đặc khu”")

    @field_validator("signers")
    @classmethod
    def _each_signer_once(cls, value: tuple[ListedSigner, ...], info: ValidationInfo) -> tuple[ListedSigner, ...]:
        """Names choose a signer, so no two people (the default included) may share one."""
        default = info.data.get("signer")
        seen = {fold(default.name): "signer"} if isinstance(default, SignerConfig) and default.name.strip() else {}
        for index, person in enumerate(value):
            key = fold(person.name)
            if key in seen:
                raise ValueError(f"người thứ {index + 1} “{person.name}” trùng tên với {seen[key]}: mỗi người ký "
                                 "chỉ ghi một lần")
            seen[key] = f"người thứ {index + 1} của signers"
        return value

    def signer_choices(self) -> tuple[SignerConfig, ...]:
        """Who may sign: the default `signer` first, then `signers`."""
        return (self.signer, *self.signers)

    def with_signer(self, name: str | None) -> Profile:
        """This profile with the person called `name` as its signer; None or empty: the default signer.

        A name not among `signer_choices()` is a UsageError listing them (exit 2)."""
        if name is None or not name.strip():
            return self
        for person in self.signer_choices():
            if person.name.strip() and fold(person.name) == fold(name):
                if person is self.signer:
                    return self
                # The default's unconfirmed name no longer concerns a document someone else signs.
                kept = {k: v for k, v in self.placeholders.items() if k != "signer.name"}
                return self.model_copy(update={"signer": person, "placeholders": kept})
        listed = "; ".join(p.describe() for p in self.signer_choices() if p.name.strip())
        raise UsageError(f"Người ký “{' '.join(name.split())}” không có trong hồ sơ cơ quan “{self.id}”. "
                         f"Người được ký: {listed or '(hồ sơ chưa ghi họ tên người ký nào)'}.")

    def kind_labels_for(self, period: Period) -> dict[UnitKind, str]:
        """How documents name each kind of unit for `period` (era labels, then this profile's)."""
        return kind_labels(period, self.unit_kind_labels)

    @model_validator(mode="after")
    def _placeholders_name_real_keys(self) -> Profile:
        """Each placeholder names a key of this profile ("signer.name", "targets.2026", "plans.2026")."""
        data = self.model_dump()
        for key in self.placeholders:
            node: object = data
            for part in key.split("."):
                if isinstance(node, dict):
                    node = node.get(int(part) if part.isdigit() and int(part) in node else part, _MISSING)
                else:
                    node = _MISSING
            if node is _MISSING:
                raise ValueError(f"placeholders: “{key}” không phải một mục của hồ sơ "
                                 "(ví dụ signer.name, targets.2026)")
        return self

    def targets_for(self, year: int) -> tuple[Target, ...]:
        """The targets configured for `year` (the latest earlier year's when that year has none)."""
        years = sorted(y for y in self.targets if y <= year)
        if not years:
            return ()
        return self.targets[years[-1]]

    def score_target_for(self, year: int) -> Decimal | None:
        """The authority's total score target for `year` (the latest earlier year's when that year has none)."""
        years = sorted(y for y in self.score_targets if y <= year)
        return self.score_targets[years[-1]] if years else None
    def plan_for(self, year: int) -> str | None:
        """The plan that set the targets `targets_for(year)` gives, when the profile names it."""
        years = sorted(y for y in self.targets if y <= year)
        return self.plans.get(years[-1]) if years else None

    def switched_off(self) -> frozenset[str]:
        """The directive rules this authority does not use."""
        return frozenset(rule for rule, on in self.directives.items() if not on)

    def draft_notes(self) -> tuple[str, ...]:
        """Why a document made with this profile is only a draft: its unconfirmed values, an empty signer."""
        notes = [f"Hồ sơ cơ quan “{self.id}”, mục {key}: {note}" for key, note in self.placeholders.items()]
        if not self.signer.name.strip() and "signer.name" not in self.placeholders:
            notes.append(f"Hồ sơ cơ quan “{self.id}”, mục signer.name: chưa có họ tên người ký.")
        return tuple(notes)

    def document(self, kind: str) -> DocumentConfig:
        try:
            return self.documents[kind]
        except KeyError:
            raise ConfigError(f"Hồ sơ cơ quan “{self.id}” chưa khai báo mục documents.{kind}") from None

    def to_layout(self) -> Layout:
        return self.layout

    def matches(self, meta: SnapshotMeta) -> bool:
        """Whether this profile is the snapshot's authority's, for the snapshot's month."""
        return self.names_authority(meta) and self.match.covers(meta.period)

    def names_authority(self, meta: SnapshotMeta) -> bool:
        return self.match.names_authority(meta)


def load_profile(path: Path) -> Profile:
    """Load and validate one profile; every problem is reported with FILE:LINE."""
    document = load_yaml(path, "hồ sơ cơ quan")
    if not isinstance(document.data, dict):
        raise ConfigError(
            "Hồ sơ cơ quan phải là một bảng khóa - giá trị", (Problem(str(path), "không có nội dung", row=1),)
        )
    try:
        return Profile.model_validate(document.data)
    except ValidationError as exc:
        raise ConfigError(f"Hồ sơ cơ quan {path} không hợp lệ", _problems(document, exc)) from None


def _problems(document: YamlDocument, exc: ValidationError) -> tuple[Problem, ...]:
    problems = []
    for error in exc.errors():
        location = tuple(error["loc"])
        key = ".".join(str(p) for p in location)
        problems.append(document.problem(location, f"{key}: {_vietnamese(error)}"))
    return tuple(problems)


def _vietnamese(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "missing":
        return "thiếu mục bắt buộc"
    if kind == "extra_forbidden":
        return "mục không được biết tới (kiểm tra chính tả)"
    if kind in ("greater_than_equal", "less_than_equal"):
        limit = error.get("ctx", {})
        return f"giá trị {error.get('input')!r} nằm ngoài khoảng cho phép {limit}"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    return f"giá trị không hợp lệ ({error['msg']})"


@dataclass(frozen=True)
class ProfileIdentity:
    """What choosing a profile needs: its file, id and match rule, read without the rest."""

    path: Path
    id: str
    match: MatchRule

    def names_authority(self, meta: SnapshotMeta) -> bool:
        return self.match.names_authority(meta)


def read_identity(path: Path) -> ProfileIdentity | None:
    """The profile's id and match rule, or None when even those cannot be read (it is then skipped
    unless chosen by --profile, so another authority's broken profile never stops this one's run)."""
    try:
        data = load_yaml(path, "hồ sơ cơ quan").data
        if not isinstance(data, dict):
            return None
        return ProfileIdentity(path, str(data["id"]), MatchRule.model_validate(data["match"]))
    except (ConfigError, KeyError, ValidationError):
        return None


def find_profile(meta: SnapshotMeta, directory: Path = PROFILES_DIR) -> Profile:
    """The one profile that recognises the snapshot's authority for its period (see `locate_profile`)."""
    return load_profile(locate_profile(meta, directory))


def locate_profile(meta: SnapshotMeta, directory: Path = PROFILES_DIR) -> Path:
    """The file of the one profile that recognises the snapshot's authority for its period;
    ConfigError otherwise. Only each file's identity is read to choose."""
    paths = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    identities = [read_identity(path) for path in paths]
    unreadable = [path.name for path, identity in zip(paths, identities, strict=True) if identity is None]
    authority = [i for i in identities if i is not None and i.names_authority(meta)]
    chosen = [i for i in authority if i.match.covers(meta.period)]
    if len(chosen) == 1:
        return chosen[0].path
    code = f" (mã {meta.authority_code})" if meta.authority_code else ""
    if len(chosen) > 1:
        raise ConfigError(
            f"Có {len(chosen)} hồ sơ cơ quan cùng áp dụng cho “{meta.authority_name}”{code} "
            f"{meta.period.phrase}: {', '.join(p.id for p in chosen)}. Hãy sửa from_period/until_period "
            "để chỉ một hồ sơ áp dụng, hoặc chỉ định bằng --profile."
        )
    if authority:
        raise ConfigError(
            f"Các hồ sơ của “{meta.authority_name}” ({', '.join(p.id for p in authority)}) không áp dụng "
            f"cho {meta.period.phrase}. Hãy thêm hồ sơ cho giai đoạn này hoặc chỉ định bằng --profile."
        )
    skipped = f" (không đọc được mục id/match của: {', '.join(unreadable)})" if unreadable else ""
    raise ConfigError(
        f"Không có hồ sơ cơ quan nào ứng với “{meta.authority_name}”{code} trong {directory}{skipped}. "
        "Hãy chỉ định tệp bằng --profile hoặc thêm một hồ sơ mới."
    )


def check_switches(profile: Profile, path: Path, rule_ids: tuple[str, ...]) -> None:
    """Every rule the profile switches on or off exists (ConfigError at the profile's line otherwise)."""
    unknown = [rule for rule in profile.directives if rule not in rule_ids]
    if not unknown:
        return
    document = load_yaml(path, "hồ sơ cơ quan")
    problems = tuple(document.problem(("directives", rule), f"directives.{rule}: không có quy tắc chỉ đạo “{rule}”; "
                                                            f"các quy tắc: {', '.join(rule_ids)}") for rule in unknown)
    raise ConfigError(f"Hồ sơ cơ quan {path} bật, tắt quy tắc không có", problems)
