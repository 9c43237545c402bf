"""The import direction of DESIGN.md, checked with ast."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"core", "anonymize", "incidents", "reporting", "exports"}
ALLOWED = {
    "core": set(),
    "anonymize": set(),
    "incidents": {"core", "anonymize"},
    "reporting": {"core", "anonymize", "incidents"},
    "exports": {"core", "anonymize", "incidents"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & (PACKAGES | {"wsgi"})


def test_imports_point_one_way():
    problems = []
    for package, allowed in ALLOWED.items():
        for path in (ROOT / package).rglob("*.py"):
            bad = imported_packages(path) - allowed - {package}
            if bad:
                problems.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert problems == []


def test_nothing_imports_wsgi():
    for path in ROOT.rglob("*.py"):
        if ".venv" in path.parts or "tests" in path.parts or path.name == "wsgi.py":
            continue
        assert "wsgi" not in imported_packages(path), path


def test_each_package_has_init_app():
    for package in PACKAGES - {"anonymize"}:
        tree = ast.parse((ROOT / package / "__init__.py").read_text())
        names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert "init_app" in names, package


def test_no_app_engine_or_scheduler_built_at_import():
    """Module level may define extension objects, but never call Flask(), create_engine() or a scheduler."""
    forbidden = {"Flask", "create_engine", "make_engine", "BackgroundScheduler", "BlockingScheduler", "create_app"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in tree.body:
                for call in ast.walk(node):
                    if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                        break
                    if isinstance(call, ast.Call):
                        name = getattr(call.func, "id", getattr(call.func, "attr", None))
                        assert name not in forbidden, f"{path}: {name}() at import time"
