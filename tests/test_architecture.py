"""Imports between apps run one way (docs/architecture.md, DESIGN.md):

    core <- residents <- grids <- points <- (mutualaid, activities) <- today <- community

An app may import apps of a lower rank and itself, never one of its own rank or above; a
lower app that must react to a higher one offers a hook (a setting or a registry) instead.
`core` imports no app at all. Every .py file of the apps is read with `ast`, migrations
included, and every `import x` / `from x import y` counts wherever it stands (in a
function, under `if TYPE_CHECKING:`), as do `import_module("x")` / `import_string("x")`
calls with a literal name.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RANKS = {
    "core": 0,
    "residents": 1,
    "grids": 2,
    "points": 3,
    "family": 3,
    "mutualaid": 4,
    "activities": 4,
    "reports": 4,
    "today": 5,
    "community": 6,
}

# (file, imported module) -> why it is allowed. Keep it short, and say why.
ALLOWED: dict[tuple[str, str], str] = {}

# Outside the layering: nothing in an app may import them.
NOT_FOR_APPS = {"tests", "benchmarks"}

DYNAMIC_IMPORTS = {"import_module", "import_string", "__import__"}


@dataclass(frozen=True)
class Import:
    path: str  # relative to the project root, with forward slashes
    line: int
    module: str  # absolute dotted name

    @property
    def app(self) -> str:
        return self.path.split("/")[0]

    @property
    def target(self) -> str:
        return self.module.split(".")[0]


def _absolute(path: str, module: str | None, level: int) -> str:
    """The absolute name of `from <level dots><module> import …` written in `path`."""
    package = path.split("/")[:-1]
    if level > len(package):
        return ""  # beyond the top: Python refuses it anyway
    base = package[: len(package) - level + 1]
    return ".".join([*base, module] if module else base)


def imports_in(source: str, path: str) -> list[Import]:
    """Every import in a module's source, anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node.module, node.level) if node.level else node.module
            found.append(Import(path, node.lineno, module or ""))
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id in DYNAMIC_IMPORTS)
                or (isinstance(node.func, ast.Attribute) and node.func.attr in DYNAMIC_IMPORTS)
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(path, node.lineno, node.args[0].value))
    return found


def violations(imports: list[Import]) -> list[str]:
    """The imports that go upward or sideways, as `file:line` messages."""
    found = []
    for imp in imports:
        if (imp.path, imp.module) in ALLOWED or imp.target == imp.app:
            continue
        own = RANKS[imp.app]
        if imp.target in NOT_FOR_APPS:
            found.append(
                f"{imp.path}:{imp.line}: {imp.app} imports {imp.module} (outside the apps)"
            )
        elif imp.target in RANKS and RANKS[imp.target] >= own:
            direction = "upward" if RANKS[imp.target] > own else "sideways"
            found.append(
                f"{imp.path}:{imp.line}: {imp.app} (rank {own}) imports {imp.module} "
                f"({imp.target}, rank {RANKS[imp.target]}): {direction}"
            )
    return found


def app_files() -> list[Path]:
    return sorted(p for app in RANKS for p in (ROOT / app).rglob("*.py"))


def project_imports() -> list[Import]:
    found = []
    for file in app_files():
        path = file.relative_to(ROOT).as_posix()
        found += imports_in(file.read_text(encoding="utf-8"), path)
    return found


def _report(found: list[str]) -> str:
    return "imports against the layering:\n  " + "\n  ".join(found)


# The project


def test_every_app_has_a_rank():
    """A new app (reports/, deliberation/ …) is placed in the layering before it lands."""
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(RANKS), f"apps without a rank in RANKS: {sorted(apps - set(RANKS))}"
    assert all((ROOT / app).is_dir() for app in RANKS)


def test_the_checker_reads_every_app_and_its_migrations():
    files = {p.relative_to(ROOT).as_posix() for p in app_files()}
    assert {"grids/selectors/board.py", "community/settings.py"} <= files
    assert any("/migrations/" in f for f in files)
    assert len(project_imports()) > 100


def test_imports_between_apps_run_one_way():
    found = violations(project_imports())
    assert not found, _report(found)


def test_core_imports_no_app():
    found = [
        f"{imp.path}:{imp.line}: core imports {imp.module}"
        for imp in project_imports()
        if imp.app == "core" and imp.target != "core" and imp.target in {*RANKS, *NOT_FOR_APPS}
    ]
    assert not found, _report(found)


def test_the_allow_list_names_only_imports_that_exist():
    present = {(imp.path, imp.module) for imp in project_imports()}
    assert set(ALLOWED) <= present, f"stale ALLOWED entries: {sorted(set(ALLOWED) - present)}"


# The checker itself


SOURCE = """
import json
from django.db import models

from core.errors import NotFound
from residents.models import User
from . import models as own
from .selectors import feed


def later():
    from mutualaid import services  # upward, inside a function

    return services


import activities.models as sibling  # sideways (same rank)
from tests.factories import UserFactory
from django.utils.module_loading import import_string

hook = import_string("community.settings")
"""


def test_the_checker_finds_upward_sideways_and_hidden_imports():
    found = violations(imports_in(SOURCE, "mutualaid/services.py"))
    assert found == [  # its own app, core and residents, inside a function or not, pass
        "mutualaid/services.py:17: mutualaid (rank 4) imports activities.models "
        "(activities, rank 4): sideways",
        "mutualaid/services.py:18: mutualaid imports tests.factories (outside the apps)",
        "mutualaid/services.py:21: mutualaid (rank 4) imports community.settings "
        "(community, rank 6): upward",
    ]


def test_the_checker_finds_an_upward_import_in_a_function():
    found = violations(imports_in(SOURCE, "grids/selectors/board.py"))
    assert (
        "grids/selectors/board.py:12: grids (rank 2) imports mutualaid (mutualaid, rank 4): upward"
    ) in found
    assert not any("residents" in f or "core" in f or "json" in f for f in found)


@pytest.mark.parametrize(
    ("path", "source", "module"),
    [
        ("grids/selectors/board.py", "from . import cards", "grids.selectors"),
        ("grids/selectors/board.py", "from ..models import Post", "grids.models"),
        ("grids/__init__.py", "from .models import Post", "grids.models"),
        ("grids/api/board.py", "from ...x import y", ""),
    ],
)
def test_relative_imports_resolve_within_their_package(path, source, module):
    assert [imp.module for imp in imports_in(source, path)] == [module]


def test_core_importing_an_app_is_caught():
    found = violations(imports_in("from residents.models import User\n", "core/models.py"))
    assert found == [
        "core/models.py:1: core (rank 0) imports residents.models (residents, rank 1): upward"
    ]
