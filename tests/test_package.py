"""The package itself: a lean import, lazy heavy modules, declared imports, a wheel that works."""

import ast
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import course_utils

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib.pyplot", "ipywidgets", "IPython", "PIL")
COMPUTE = ("data", "minibatch", "models", "gradcheck", "train", "memory", "stream", "noise",
           "sweep", "timing", "curvature", "lr_scaling", "printing")
LEAN_CHECK = f"""
import sys
import {{module}}
heavy = sorted(name for name in sys.modules
               if any(name == h or name.startswith(h + ".") for h in {HEAVY!r}))
print(heavy)
"""


def run_python(code: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, **kw)


@pytest.fixture(scope="module")
def lean_imports():
    """Import course_utils and each compute module, each in a fresh interpreter, in parallel."""
    modules = ["course_utils"] + [f"course_utils.{course_utils.MODULES[m]}" for m in COMPUTE]
    procs = {m: subprocess.Popen([sys.executable, "-c", LEAN_CHECK.format(module=m)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for m in modules}
    return {m: p.communicate(timeout=120) + (p.returncode,) for m, p in procs.items()}


@pytest.mark.parametrize("module", ["course_utils"] + [f"course_utils.{course_utils.MODULES[m]}"
                                                       for m in COMPUTE])
def test_import_pulls_in_no_plotting_widgets_or_images(lean_imports, module):
    out, err, rc = lean_imports[module]
    assert rc == 0, err
    assert out.strip() == "[]", f"import {module} loaded {out.strip()}"


def test_heavy_modules_load_on_first_use_and_say_what_is_missing():
    code = """
import sys
import course_utils as cu
assert "course_utils.ui.lab" not in sys.modules and "course_utils.plots.plotting" not in sys.modules
assert set(cu.__all__) <= set(dir(cu))
sys.modules["ipywidgets"] = None  # as if ipywidgets were not installed
try:
    cu.lab
except ModuleNotFoundError as err:
    assert "course_utils[lab]" in str(err) and err.name == "ipywidgets", err
else:
    raise AssertionError("cu.lab without ipywidgets did not raise")
del sys.modules["ipywidgets"]
try:
    cu.not_a_module
except AttributeError as err:
    assert "not_a_module" in str(err) and "plotting" in str(err), err
else:
    raise AssertionError("cu.not_a_module did not raise")
import matplotlib
matplotlib.use("Agg")
assert cu.plotting is sys.modules["course_utils.plots.plotting"]
assert isinstance(cu.widgets.BatchSizeExplorer, type) and "ipywidgets" in sys.modules
assert isinstance(cu.widgets.MemoryBudgetExplorer, type) and isinstance(cu.lab.Lab, type)
from course_utils import checks
assert checks is cu.checks
print("ok")
"""
    result = run_python(code)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_all_lists_every_module_the_notebooks_use():
    used = set()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        used |= set(re.findall(r"\bcu\.([a-z_]+)\.", nb.read_text()))
    assert used, "no cu.<module>. found in notebooks/: the pattern is stale"
    assert used <= set(course_utils.__all__), used - set(course_utils.__all__)
    for name, module in course_utils.MODULES.items():
        path = ROOT / "course_utils" / Path(*module.split("."))
        assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), name


# --- every direct import is declared -----------------------------------------------------

# import name -> distribution name, where they differ
DIST_NAME = {"PIL": "pillow", "yaml": "pyyaml"}
LOCAL = {"course_utils", "conftest", "lab_page"}  # lab_page: tests_ui/lab_page.py
# Imported only when present, and said so where it is imported.
OPTIONAL = {"torch": "benchmarks/trainer_throughput.py compares with PyTorch if installed"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def third_party_imports(folder: str) -> dict[str, set[str]]:
    """{distribution: files importing it} for every import in folder's .py files, however
    deeply nested (imports inside functions count)."""
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                sibling = (path.parent / f"{top}.py").exists()  # a helper module beside it
                if top not in sys.stdlib_module_names and top not in LOCAL and not sibling:
                    dist = normalized(DIST_NAME.get(top, top))
                    found.setdefault(dist, set()).add(str(path.relative_to(ROOT)))
    return found


def requirement_names(lines) -> dict[str, str]:
    """{distribution: its specifier} from requirement lines (comments and -r/-e skipped)."""
    out = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name = re.match(r"[A-Za-z0-9._-]+", line).group(0)
            out[normalized(name)] = line[len(name):].split(";")[0].strip()
    return out


def pyproject():
    import tomllib  # Python >= 3.11; the course's own venv has it

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def requirements_files() -> dict[str, str]:
    reqs = {}
    for name in ("requirements.txt", "requirements-ui.txt"):
        reqs |= requirement_names((ROOT / name).read_text().splitlines())
    return reqs


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
def test_every_direct_import_is_declared():
    project = pyproject()["project"]
    core = requirement_names(project["dependencies"])
    extras = {extra: requirement_names(deps)
              for extra, deps in project["optional-dependencies"].items()}
    for dist, files in third_party_imports("course_utils").items():
        if dist in core:
            continue
        extra = next((e for e, deps in extras.items() if dist in deps), None)
        assert extra is not None, f"{dist} (imported by {sorted(files)}) is not in pyproject"
        # an extra is optional: no compute module may need it
        needing = {Path(f).parts[1] for f in files}  # the layer folder
        assert not needing & {"core", "measure"}, \
            f"{dist} (extra {extra}) imported by {sorted(files)}"
    declared = set(core) | {d for deps in extras.values() for d in deps} | set(
        requirements_files())
    for folder in ("scripts", "tests", "tests_ui", "tests_exercises", "benchmarks"):
        for dist, files in third_party_imports(folder).items():
            assert dist in declared or dist in OPTIONAL, \
                f"{dist} (imported by {sorted(files)}) is declared nowhere"


def test_every_requirement_has_an_upper_bound():
    reqs = requirements_files()
    assert "ruff" in reqs and "numpy" in reqs
    unbounded = {name: spec for name, spec in reqs.items()
                 if "<" not in spec and "==" not in spec}
    assert unbounded == {}


# --- a real, non-editable install --------------------------------------------------------


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
def test_wheel_carries_the_data_and_the_loaders_work_from_another_folder(tmp_path):
    """Build a wheel offline from a copy of the sources, unpack it (as pip would install it)
    and load the shipped data from a folder that is not the repository."""
    build_requires = pyproject()["build-system"]["requires"]
    assert build_requires == ["setuptools>=77"]  # PEP 639: license = "MIT" needs 77
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("course_utils", "data"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("course_utils-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        z.extractall(tmp_path / "site")
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "course_utils").rglob("*.py")}
    assert modules <= names, f"modules missing from the wheel: {sorted(modules - names)}"
    assert {"course_utils/_data/mnist1d.npz",
            "course_utils/_data/gpu_batch_scaling_h100.csv"} <= names
    assert "License-Expression: MIT" in metadata
    ipywidgets = [line for line in metadata.splitlines()
                  if line.startswith("Requires-Dist:") and "ipywidgets" in line]
    assert ipywidgets and all('extra == "lab"' in line for line in ipywidgets), ipywidgets

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = """
import course_utils as cu
from pathlib import Path
site = Path(r"{site}")
assert Path(cu.__file__).is_relative_to(site), cu.__file__
assert cu.data.DATA_DIR == site / "course_utils" / "_data", cu.data.DATA_DIR
split = cu.data.load_mnist1d()
assert split.X_train.shape == (40, 4000) and split.Y_test.shape == (10, 1000)
assert cu.data.load_gpu_reference("float32")["batch"][0] == 1
print("ok")
""".format(site=tmp_path / "site")
    env = {"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"}
    result = run_python(code, cwd=elsewhere, env=env)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]
