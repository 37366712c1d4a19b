"""The 34 provinces and cities the portal ranks, with the `rootDepartmentId` its reports take.

provinces.json is the list derived from the portal's national `service-results` ranking (see
../shared/portal-samples/README.md); `fetch --province` accepts a code (H44) or a name ("Phú Thọ",
"UBND tỉnh Phú Thọ"), matched without regard to case, spacing or accents.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from generator.common.resources import package_path
from generator.common.textfold import fold
from generator.portal.capture import Province
from generator.portal.errors import PortalError

_PREFIX = re.compile(r"^(ubnd|uy ban nhan dan)\s+")
_LEVEL = re.compile(r"^(tinh|thanh pho|tp\.?)\s+")


def _key(name: str) -> str:
    folded = " ".join(fold(name).split())
    return _LEVEL.sub("", _PREFIX.sub("", folded))


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    document = json.loads(package_path("portal", "provinces.json").read_text(encoding="utf-8"))
    return tuple(Province(id=p["rootDepartmentId"], code=p["departmentCode"], name=p["departmentName"])
                 for p in document["provinces"])


def find_province(text: str) -> Province:
    """The province a code or a name designates; PortalError listing what exists otherwise."""
    wanted = text.strip()
    for province in provinces():
        if province.code and province.code.casefold() == wanted.casefold():
            return province
    key = _key(wanted)
    for province in provinces():
        if _key(province.name) == key:
            return province
    known = ", ".join(f"{p.code} ({p.name.removeprefix('UBND ')})" for p in provinces())
    raise PortalError(f"Không biết tỉnh, thành phố “{text}”. Dùng mã hoặc tên, một trong: {known}")
