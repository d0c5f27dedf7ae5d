"""The house's layering, read from the code by scripts/import_graph.py (no module imported)."""

from __future__ import annotations

from types import ModuleType

from .corpus import load_script


def _graph() -> ModuleType:
    return load_script("import_graph")


def test_no_module_imports_another_in_a_loop() -> None:
    assert _graph().report()["module cycles"] == []


def test_nothing_inside_the_package_imports_its_top() -> None:
    # recipes/__init__.py builds the app from everything; the version is in version.py.
    assert _graph().report()["imports of the package top"] == []


def test_few_imports_run_back_up_against_the_layering() -> None:
    # Today: the models' column sizes and search's filters read the recipe's rules
    # (cookbook/limits.py, cookbook/recipe_text.py), which live with the cookbook above them.
    back_up = _graph().report()["imports that run back up"]
    assert len(back_up) <= 5, back_up


def test_the_checker_finds_loops_and_resolves_relative_imports() -> None:
    graph = _graph()
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert graph.strongly_connected(sorted(edges), edges) == [["a", "b", "c"]]
    assert graph._resolve("recipes.cookbook.views", False, 2, "models") == "recipes.models"
    assert graph._resolve("recipes.importing.files", True, 3, "text_cleaning") == "recipes.text_cleaning"
