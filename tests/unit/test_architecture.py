"""House rules checked with ast: imports, explicit routes, private names, the one error handler, sizes."""

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


def application_modules():
    for package in sorted(PACKAGES):
        yield from sorted((ROOT / package).rglob("*.py"))


def test_no_module_imports_another_modules_private_names():
    problems = []
    for path in application_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
                private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                if private:
                    problems.append(f"{path.relative_to(ROOT)} imports {private} from {node.module}")
    assert problems == []


def test_routes_are_added_by_a_register_function_not_by_importing_a_module():
    """A view module never decorates routes onto a blueprint it imported from elsewhere.

    In incidents/ every room adds its pages in `register(bp)`, which `incidents.init_app` calls,
    so importing a module registers nothing.
    """
    route_methods = {"route", "get", "post", "put", "delete", "app_context_processor", "errorhandler"}
    problems = []
    for path in application_modules():
        tree = ast.parse(path.read_text())
        imported = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        in_incidents = path.relative_to(ROOT).parts[0] == "incidents"
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and target.attr in route_methods:
                    owner = getattr(target.value, "id", None)
                    if in_incidents or owner in imported:
                        problems.append(f"{path.relative_to(ROOT)}:{node.lineno} @{owner}.{target.attr}")
    assert problems == []


def test_views_and_services_leave_domain_errors_to_the_one_handler():
    """Views neither catch DomainError nor roll back; services raise and roll back only to dedupe a resend."""
    problems = []
    for path in sorted((ROOT / "incidents").rglob("*.py")):
        if path.name == "error_pages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = ast.unparse(node.type)
                if any(name in caught for name in ("DomainError", "IllegalTransition", "Conflict", "Forbidden")):
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno} catches {caught}")
                is_dedupe = "IntegrityError" in caught
                for inner in ast.walk(node):
                    call = inner.func if isinstance(inner, ast.Call) else None
                    if isinstance(call, ast.Attribute) and call.attr == "rollback" and not is_dedupe:
                        problems.append(f"{path.relative_to(ROOT)}:{inner.lineno} rolls back")
            if isinstance(node, ast.FunctionDef) and path.name.endswith("views.py"):
                for inner in ast.walk(node):
                    call = inner.func if isinstance(inner, ast.Call) else None
                    if isinstance(call, ast.Attribute) and call.attr == "rollback":
                        problems.append(f"{path.relative_to(ROOT)}:{inner.lineno} a view rolls back")
    assert problems == []


def test_no_module_over_400_lines_and_no_function_over_60():
    problems = []
    for path in [*application_modules(), ROOT / "wsgi.py"]:
        source = path.read_text()
        if source.count("\n") > 400:
            problems.append(f"{path.relative_to(ROOT)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                problems.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1}"
                )
    assert problems == []
