"""The import graph of the `recipes` package, read from the code (no module is imported).

    python scripts/import_graph.py            # cycles, imports of the package top, arrows that run back up
    python scripts/import_graph.py --edges    # also every import, module -> module

Every `import` and `from ... import` is followed, also those inside functions (a lazy import
is still a dependency). Two views:
- modules: a cycle is modules that import each other in a loop (none is allowed);
- parts (each file directly in recipes/ and each sub-package is one part): parts are put on
  floors so that each stands above what it imports; where parts import each other in a loop
  some imports must run back up. Those are listed, with the names they take.
tests/test_layering.py holds the house to it.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "recipes"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}


def _resolve(current: str, is_package: bool, level: int, target: str | None) -> str:
    base = current.split(".") if is_package else current.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([target] if target else [])])


def imports(known: dict[str, Path]) -> dict[str, dict[str, set[str]]]:
    """module -> {imported module: names taken}."""
    graph: dict[str, dict[str, set[str]]] = {name: defaultdict(set) for name in known}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == PACKAGE:
                        _add(graph[name], known, alias.name, alias.name)
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(name, is_package, node.level, node.module) if node.level else node.module or ""
                if target.split(".")[0] != PACKAGE:
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in known:  # `from . import services` takes a module
                        _add(graph[name], known, sub, alias.name)
                    else:
                        _add(graph[name], known, target, alias.name)
    return {name: dict(edges) for name, edges in graph.items()}


def _add(edges: dict[str, set[str]], known: dict[str, Path], target: str, taken: str) -> None:
    while target and target not in known:
        target = target.rpartition(".")[0]
    if target:
        edges[target].add(taken)


def strongly_connected(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively: the groups of two or more that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def part_of(module: str) -> str:
    """recipes.cookbook.services -> recipes/cookbook/; recipes.models -> recipes/models.py."""
    parts = module.split(".")
    if len(parts) == 1:
        return f"{PACKAGE}/__init__.py"
    if (ROOT / PACKAGE / parts[1]).is_dir():
        return f"{PACKAGE}/{parts[1]}/"
    return f"{PACKAGE}/{parts[1]}.py"


def report() -> dict[str, list[str]]:
    known = modules()
    graph = imports(known)
    module_edges = {m: set(targets) for m, targets in graph.items()}
    cycles = strongly_connected(sorted(known), module_edges)
    top = sorted(m for m, targets in graph.items() if PACKAGE in targets and m != PACKAGE)

    part_edges: dict[str, set[str]] = defaultdict(set)
    crossing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module, targets in graph.items():
        for target, names in targets.items():
            a, b = part_of(module), part_of(target)
            if a != b:
                part_edges[a].add(b)
                crossing[(a, b)].append(f"{module} -> {target}: {', '.join(sorted(names))}")
    part_cycles = strongly_connected(sorted(part_edges), part_edges)
    back_up: list[str] = []
    for group in part_cycles:
        order = floors_order(group, part_edges, crossing)
        rank = {part: n for n, part in enumerate(order)}
        for a in group:
            for b in part_edges[a]:
                if b in rank and rank[b] < rank[a]:  # a stands below b, yet imports it
                    back_up.extend(crossing[(a, b)])
    return {
        "module cycles": [" <-> ".join(group) for group in cycles],
        "imports of the package top": top,
        "part loops": [" <-> ".join(group) for group in part_cycles],
        "imports that run back up": sorted(set(back_up)),
    }


def floors_order(group: list[str], edges: dict[str, set[str]], crossing: dict[tuple[str, str], list[str]]) -> list[str]:
    """The parts of a loop from the top floor down, chosen so that few imports run back up
    (Eades, Lin and Smyth's greedy ordering, each arrow weighted by its imports)."""

    def weight(a: str, b: str) -> int:
        return len(crossing.get((a, b), ()))

    left = set(group)
    top: list[str] = []
    bottom: list[str] = []
    while left:
        changed = True
        while changed:
            changed = False
            for part in sorted(left):
                if not any(b in left for b in edges.get(part, ())):  # imports nothing left: a floor below
                    bottom.insert(0, part)
                    left.discard(part)
                    changed = True
                elif not any(part in edges.get(a, ()) for a in left):  # nothing left imports it: above
                    top.append(part)
                    left.discard(part)
                    changed = True
        if left:
            best = max(
                sorted(left),
                key=lambda p: sum(weight(p, b) for b in left) - sum(weight(a, p) for a in left),
            )
            top.append(best)
            left.discard(best)
    return top + bottom


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edges", action="store_true", help="print every import too")
    args = parser.parse_args()
    result = report()
    for heading, lines in result.items():
        print(f"{heading}: {len(lines)}")
        for line in lines:
            print(f"  {line}")
    if args.edges:
        for module, targets in sorted(imports(modules()).items()):
            for target in sorted(targets):
                print(f"{module} -> {target}")
    return 1 if result["module cycles"] or result["imports of the package top"] else 0


if __name__ == "__main__":
    sys.exit(main())
