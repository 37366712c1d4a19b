"""The portal stage's own error: a response or a capture that cannot be used (exit status 2)."""

from __future__ import annotations

from generator.common.errors import CongvanError


class PortalError(CongvanError):
    """Portal responses that are missing, malformed or inconsistent, or a portal that refuses."""

    category = "dữ liệu Cổng"
