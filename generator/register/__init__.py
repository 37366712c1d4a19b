"""The office's register: accounts, uploads, batch runs and the issued documents (sổ theo dõi văn bản đi).

SQLAlchemy over SQLite by default (`<data>/congvan.db`), any SQLAlchemy URL through
CONGVAN_DATABASE_URL. Issuing goes through the conductor (`generator.build.generate`, official);
the register only adds the number's uniqueness and the record of what was issued.
"""
from __future__ import annotations

from generator.register.issuing import (
    ISSUED_DIR,
    IssueRequest,
    attach_files,
    issue,
    parse_number,
    signer_text,
    verify,
)
from generator.register.store import (
    DATABASE_ENV,
    DEFAULT_DATA,
    Register,
    RegisterError,
    database_file,
    local,
    now,
)
from generator.register.values import (
    BatchState,
    Failure,
    IssuedDocument,
    IssuedFile,
    Match,
    Role,
    StoredSnapshot,
    TemplateUse,
    User,
)

__all__ = [
    "DATABASE_ENV",
    "DEFAULT_DATA",
    "ISSUED_DIR",
    "BatchState",
    "Failure",
    "IssueRequest",
    "IssuedDocument",
    "IssuedFile",
    "Match",
    "Register",
    "RegisterError",
    "Role",
    "StoredSnapshot",
    "TemplateUse",
    "User",
    "attach_files",
    "database_file",
    "issue",
    "local",
    "now",
    "parse_number",
    "signer_text",
    "verify",
]
