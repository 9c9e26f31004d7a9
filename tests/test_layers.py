"""The layers of the code: ``quanzhou_women/lib < units < projects < reporting < dashboards``.

An app imports only from the apps to its left (``docs/development.md``); the project's URLs and
settings, which wire every app together, and migrations are left out.
"""

import ast
from pathlib import Path

from django.conf import settings

LAYERS = ["quanzhou_women", "units", "projects", "reporting", "dashboards"]
RANK = {name: index for index, name in enumerate(LAYERS)}
WIRING = {"quanzhou_women/urls.py", "quanzhou_women/settings.py"}


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


def layer_violations(root: Path) -> list[str]:
    """Every import below ``root`` of an app from an app to its right, as ``path:line imports module``."""
    violations = []
    for name in LAYERS:
        for path in sorted((root / name).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts or relative.as_posix() in WIRING:
                continue
            for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
                top = module.split(".")[0]
                if top in RANK and RANK[top] > RANK[name]:
                    violations.append(f"{relative}:{line} imports {module}")
    return violations


def test_no_app_imports_from_an_app_to_its_right():
    assert layer_violations(Path(settings.BASE_DIR)) == []


def test_the_layer_check_finds_an_upward_import(tmp_path):
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / "admin.py").write_text("from reporting.access import can\nimport projects.models\n")
    assert layer_violations(tmp_path) == [
        "units/admin.py:1 imports reporting.access",
        "units/admin.py:2 imports projects.models",
    ]
