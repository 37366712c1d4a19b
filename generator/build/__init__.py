"""The conductor: prepare a snapshot, build its documents, render every format, write and record them.

`generate` makes the dispatch; `generator.build.batch.batch` makes the dispatch and every notice in
parallel. Both go through `write_document`, the one render-and-write step.
"""

from __future__ import annotations

from generator.build.conductor import BuildRequest, GenerateResult, Job, generate, write_document
from generator.build.documents import dispatch_document, notice_document
from generator.build.inputs import DISPATCH_TEMPLATE, NOTICE_TEMPLATE, RULES_TEMPLATE, Prepared, prepare, rule_settings

__all__ = [
    "DISPATCH_TEMPLATE",
    "NOTICE_TEMPLATE",
    "RULES_TEMPLATE",
    "BuildRequest",
    "GenerateResult",
    "Job",
    "Prepared",
    "dispatch_document",
    "generate",
    "notice_document",
    "prepare",
    "rule_settings",
    "write_document",
]
