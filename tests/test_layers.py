"""The floor plan, read from the code: no stage imports a later one, no import cycles, one face per package.

The import graph is read with the standard library's `ast` (every `import` and `from ... import`,
including those inside functions and under TYPE_CHECKING), never by importing the code.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generator"

# The stages from the bottom up; a module may import its own floor and the floors below it.
STAGES: tuple[str, ...] = (
    "common",  # leaves: errors, text folding, number formats, YAML with lines, Jinja environment, layout, resources
    "snapshot",
    "analysis",
    "config",
    "directives",
    "content",
    "render",
    "output",
    "portal",  # the portal's reporting API in: fetch raw responses, import them as a snapshot (pandas, httpx)
    "build",
    "register",  # accounts, uploads, batch runs and the register of issued documents (SQLAlchemy)
    "review",
    "web",  # the office's web page (FastAPI), a thin layer over build, register and review, beside cli
    "cli",
)
TOP_MODULES = {"generator", "generator.__main__"}  # the package itself and `python -m generator`
# A toolbox of independent leaf modules; everything else is reached through its package's face.
IMPORTED_BY_MODULE = {"common"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every `generator...` module a file names in an import statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "generator")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("generator."):
            found.add(node.module or "")
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_every_module_belongs_to_a_stage() -> None:
    """A new package or top-level module must be given its floor here before it can land."""
    homeless = [m for m in graph() if m not in TOP_MODULES and stage_of(m) is None]
    assert homeless == []


def test_no_stage_imports_a_later_one() -> None:
    """Each import points to the importer's own floor or one below it."""
    upward = []
    for module, targets in graph().items():
        own = stage_of(module)
        if own is None:
            continue
        for target in targets:
            floor = stage_of(target)
            if floor is not None and STAGES.index(floor) > STAGES.index(own):
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_no_import_cycles() -> None:
    """No module reaches itself through its imports (a package's face counts as importing its parts)."""
    edges = graph()
    modules = set(edges)

    def resolve(target: str) -> str | None:
        while target and target not in modules:  # `from generator.x.y import name` where y is a name
            target = target.rpartition(".")[0]
        return target or None

    adjacency = {m: {t for t in (resolve(x) for x in targets) if t and t != m} for m, targets in edges.items()}
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the path, 2 done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(adjacency[node]):
            if state[nxt] == 1:
                # A package face importing its own parts is how a face works, not a cycle.
                loop = path[path.index(nxt):] + [nxt]
                if not all(b.startswith(a + ".") or a.startswith(b + ".") for a, b in pairwise(loop)):
                    cycles.append(loop)
            elif state[nxt] == 0:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(adjacency):
        if state[module] == 0:
            visit(module, [module])
    assert cycles == []


def test_other_packages_import_a_stage_through_its_face() -> None:
    """`from generator.content import Document`, not `from generator.content.model import Document`."""
    reaching_in = []
    for module, targets in graph().items():
        own = stage_of(module)
        for target in targets:
            floor = stage_of(target)
            if floor and floor != own and floor not in IMPORTED_BY_MODULE and target != f"generator.{floor}":
                reaching_in.append(f"{module} -> {target}")
    assert reaching_in == []


def test_every_face_declares_its_public_names() -> None:
    """Each stage package's __init__ lists what it offers in __all__, and every listed name exists there."""
    for stage in STAGES:
        if stage in IMPORTED_BY_MODULE or stage == "cli":
            continue
        init = PACKAGE / stage / "__init__.py"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        declared: list[str] = []
        bound: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                declared = list(ast.literal_eval(node.value))
            elif isinstance(node, ast.ImportFrom):
                bound.update(a.asname or a.name for a in node.names)
        assert declared, f"{stage}: no __all__"
        assert set(declared) <= bound, f"{stage}: __all__ names what it does not import: {set(declared) - bound}"


def test_the_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    """The reader sees an import inside a function as well as a top-level one."""
    probe = tmp_path / "probe.py"
    probe.write_text("def late():\n    from generator.build import generate\n", encoding="utf-8")
    assert imports_of(probe) == {"generator.build"}
    assert STAGES.index(stage_of("generator.build.x") or "") > STAGES.index("snapshot")
