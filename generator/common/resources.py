"""Where the package's own data lives: templates, rule files, profiles, renderer assets.

Everything is package data read through importlib.resources, so a wheel installed anywhere works
the same as the checkout. The package must be installed as files (not zipped): the Jinja loader,
WeasyPrint's base URL and the approval tool need real paths.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_path(*parts: str) -> Path:
    """A folder or file shipped inside the `generator` package, as a real path."""
    location = files("generator")
    for part in parts:
        location = location.joinpath(part)
    path = Path(str(location))
    if not path.exists():
        raise FileNotFoundError(f"package data missing: {'/'.join(parts)} (looked in {path})")
    return path


TEMPLATES_DIR = package_path("templates")
PROFILES_DIR = package_path("profiles")
RENDER_ASSETS_DIR = package_path("render", "assets")
