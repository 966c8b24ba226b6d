"""The folders of course_utils are its layers, and the arrows between them run one way.

Every import of every module is read with `ast`, those inside functions too, relative and
absolute, and resolved to the module it loads. The layers, lowest first:
    core      data, mini-batches, models, the trainer, gradient check, argument validation
    measure   the experiments behind notebooks 02-06
    plots     the figure convention and every plot function
    ui        sliders and the lab
    checks    the exercises' feedback (course_utils/checks/, one module per notebook)
The core imports nothing above it; no compute module (core, measure) imports plots or ui;
there is no import circle.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "course_utils"
LAYERS = ("core", "measure", "plots", "ui")  # the folders, lowest first
COMPUTE = ("core", "measure")


def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    """{dotted module name: file} for every .py file under root (a package is its __init__)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = (root.name,) + path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imported_names(name: str, path: Path) -> set[str]:
    """Every absolute name an import in `path` asks for (module, and module.attribute for
    `from module import attribute`, since the attribute may be a submodule)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    wanted = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            wanted |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            wanted.add(module)
            wanted |= {f"{module}.{alias.name}" for alias in node.names}
    return wanted


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """{module: the course_utils modules it imports}, for every module under root."""
    modules = module_names(root)
    graph = {}
    for name, path in modules.items():
        targets = set()
        for wanted in imported_names(name, path):
            # `import a.b.c` loads a, a.b and a.b.c; keep those that are our modules
            parts = wanted.split(".")
            targets |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & set(modules)
        # a module's own packages are loaded before it, not by it: no arrow to them (the
        # lazy course_utils/__init__ imports nothing itself)
        parts = name.split(".")
        targets -= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        graph[name] = targets
    return graph


def layer(module: str) -> str:
    """The layer a module belongs to: its folder under course_utils, or its own name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "package"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None (depth-first search)."""
    state = {}  # module -> "open" while on the stack, "done" after
    stack = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def arrows(graph, source_layers, target_layers) -> list[str]:
    return sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets
                  if layer(a) in source_layers and layer(b) in target_layers)


def test_the_graph_sees_imports_inside_functions():
    graph = import_graph()
    # course_utils/core/data.py imports validate at the top; ui/explorers.py imports
    # memory inside a method (the layer test must see both kinds)
    assert "course_utils.core.validate" in graph["course_utils.core.data"]
    assert "course_utils.measure.memory" in graph["course_utils.ui.explorers"]


def test_every_module_sits_in_a_layer():
    stray = [m for m in import_graph()
             if layer(m) not in LAYERS + ("checks", "package")]
    assert stray == [], f"modules outside the layers {LAYERS}: {stray}"


def test_the_core_imports_nothing_above_it():
    assert arrows(import_graph(), {"core"}, {"measure", "plots", "ui", "checks"}) == []


def test_compute_never_imports_plots_or_ui():
    assert arrows(import_graph(), set(COMPUTE), {"plots", "ui", "checks"}) == []


def test_plots_never_import_ui():
    assert arrows(import_graph(), {"plots"}, {"ui", "checks"}) == []


def test_no_arrow_points_up():
    rank = {name: i for i, name in enumerate(LAYERS + ("checks",))}
    up = [a for a in arrows(import_graph(), set(rank), set(rank))
          if rank[layer(a.split(" -> ")[0])] < rank[layer(a.split(" -> ")[1])]]
    assert up == []


def test_no_import_circle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)
