"""Stage 8 (after output): the portal's reporting API in — `fetch` the raw responses, `import` them as a snapshot.

Public surface: `import_portal(ImportRequest)` → ImportResult, `fetch_portal(province, period, out)`
→ FetchResult, `find_province(text)`, the endpoint table `ENDPOINTS`. pandas and httpx are imported
inside the functions that need them, so `generate` never pays for them.
"""
from __future__ import annotations

from generator.portal.capture import CAPTURE_FILE, CaptureRecord, Province, read_capture
from generator.portal.endpoints import ENDPOINTS, PORTAL_URL, Endpoint
from generator.portal.errors import PortalError
from generator.portal.fetch import FetchResult, FetchSettings, fetch_portal
from generator.portal.importer import ImportRequest, ImportResult, import_portal
from generator.portal.provinces import find_province, provinces

__all__ = [
    "CAPTURE_FILE",
    "ENDPOINTS",
    "PORTAL_URL",
    "CaptureRecord",
    "Endpoint",
    "FetchResult",
    "FetchSettings",
    "ImportRequest",
    "ImportResult",
    "PortalError",
    "Province",
    "fetch_portal",
    "find_province",
    "import_portal",
    "provinces",
    "read_capture",
]
