"""The office's web page: staff upload, inspect, preview, issue and run batches; reviewers approve.

A thin layer over the conductor (generator.build), the register (generator.register) and the review
tool (generator.review), served by FastAPI with server-rendered Jinja pages in Vietnamese.
FastAPI, Starlette and uvicorn are imported only here, never by the commands that build documents.
"""
from __future__ import annotations

from generator.web.app import create_app
from generator.web.server import serve
from generator.web.settings import WebSettings

__all__ = ["WebSettings", "create_app", "serve"]
