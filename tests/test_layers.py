"""The layers of the code (docs/development.md): ``quanzhou_women/lib < units < projects < reporting < assessments <
dashboards``. A module imports only from its own layer and the layers to its left — also inside
functions, where an import is as much a dependency as at the top. ``quanzhou_women/urls.py`` and the
settings join the apps together and are left out, and so are migrations.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["quanzhou_women", "units", "projects", "reporting", "assessments", "dashboards"]
EXCEPTED = {"quanzhou_women/urls.py", "quanzhou_women/settings.py"}


def layer_of(module: str) -> int | None:
    """The layer of a dotted module name (``quanzhou_women.urls`` is above every app), or None."""
    if module == "quanzhou_women.urls":
        return len(LAYERS)
    top = module.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, relative imports resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def app_modules() -> list[Path]:
    """Every Python module of the layered packages, migrations and the excepted modules left out."""
    return sorted(
        path
        for top in LAYERS
        for path in (ROOT / top).rglob("*.py")
        if "migrations" not in path.parts and str(path.relative_to(ROOT)) not in EXCEPTED
    )


@pytest.mark.parametrize("path", app_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_a_module_imports_nothing_to_the_right_of_its_layer(path):
    own = layer_of(".".join(path.relative_to(ROOT).parts))
    wrong = [
        f"line {line}: {module} ({LAYERS[layer] if layer < len(LAYERS) else 'the URLs'})"
        for line, module in imported_modules(path)
        if (layer := layer_of(module)) is not None and layer > own
    ]
    assert not wrong, f"{path.relative_to(ROOT)} ({LAYERS[own]}) imports to its right: " + "; ".join(wrong)
