"""Write the Chinese edition (中文版): notebooks/zh/NN_*.ipynb and exercises/zh/NN_*.ipynb.

    .venv/bin/python scripts/make_chinese.py          # write both Chinese editions
    .venv/bin/python scripts/make_chinese.py --check  # exit 1 if either is out of date or stale
    .venv/bin/python scripts/make_chinese.py --todo NN  # print the cells of notebook NN that
                                                        # need a (new) translation, as YAML
    .venv/bin/python scripts/make_chinese.py --todo README  # the same for the README

The English notebook stays the source of code, outputs and structure. Its Chinese edition is
the same notebook with each markdown cell's text replaced by the translation kept beside it,
in notebooks/zh/NN_*.yml: one entry per markdown cell, keyed by the cell's id, holding the
Chinese text (`zh`) and which English text it translates (`en`: the first 12 hex digits of the
SHA-256 of that English cell's text). Code cells, their outputs and all metadata are copied as
they are: figures and printed lines stay in English, as the source notes themselves keep
"mini-batch", "cost" and "epoch" in English, and nbval need not run the Chinese notebooks.

A translation is stale when the English cell has changed since it was written (the hash
differs), missing when a markdown cell has no entry, and left over when its cell is gone; each
stops the build, naming the notebook and the cell. Notebooks without a translation file have
no Chinese edition yet. The README is translated the same way, section by section (cut before
each '## ' heading, keyed by the heading), from notebooks/zh/README.yml into README.zh.md.

Why not Sphinx's gettext catalogues (sphinx-intl): they translate the website only, paragraph by
paragraph after Sphinx has parsed it, while JupyterLab needs Chinese notebooks too. The unit a
learner reads here is the notebook cell, in both places, so one file per notebook with one entry
per markdown cell serves JupyterLab and the website (which builds from these notebooks) alike.

The learner edition is made from the Chinese notebook exactly as make_exercises.py makes
exercises/ from notebooks/. The checks answer in Chinese there: `cu.checks` chooses Chinese when
the kernel runs in a folder named `zh` (JupyterLab and nbval start a notebook's kernel in the
notebook's folder), so the code cells stay identical to the English ones.
"""

import hashlib
import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCE, ZH = ROOT / "notebooks", ROOT / "notebooks" / "zh"
EXERCISES_ZH = ROOT / "exercises" / "zh"
HASH_DIGITS = 12
README, README_TABLE, README_ZH = ROOT / "README.md", ZH / "README.yml", ROOT / "README.zh.md"
GENERATED = ("<!-- Written by scripts/make_chinese.py from README.md and notebooks/zh/README.yml "
             "(edit those, then run `make chinese`). -->\n\n")
# A markdown link or image to a relative file that is not a notebook: reach it from zh/.
LOCAL_LINK = re.compile(r"(\]\(|src=\")(?!https?:|#|\.\./|/)([^)\s\"]+?)(?<!\.ipynb)(\)|#|\")")

_spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "scripts/make_exercises.py")
make_exercises = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_exercises)


class TranslationError(ValueError):
    """A markdown cell's translation is missing, stale or left over."""


def digest(text: str) -> str:
    """Which English text a translation translates: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_DIGITS]


def load_translations(path: Path) -> dict[str, dict[str, str]]:
    """A translation file as {cell id: {"en": hash, "zh": text}}."""
    table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(table, dict):
        raise TranslationError(f"{path.name}: expected a mapping of cell ids, got "
                               f"{type(table).__name__}")
    for cell_id, entry in table.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("en"), str)
                and isinstance(entry.get("zh"), str)):
            raise TranslationError(f"{path.name}: cell {cell_id}: an entry needs `en` (the "
                                   "English text's hash) and `zh` (the Chinese text)")
    return table


def _problems(units, table: dict, name: str, kind: str) -> list[str]:
    """Every unit (where, key, English text) whose translation is missing or stale, and every
    entry of `table` whose unit is gone; `kind` names a unit in the message."""
    found, out = set(), []
    for where, key, text in units:
        entry = table.get(key)
        found.add(key)
        first = text.strip().splitlines()[0][:60] if text.strip() else ""
        if entry is None:
            out.append(f"{name} {where}, {first!r}): no translation")
        elif entry["en"] != digest(text):
            out.append(f"{name} {where}, {first!r}): the English text changed since it was "
                       f"translated (hash {entry['en']}, now {digest(text)})")
    out += [f"{name}: translation of {kind} {key} is left over (no such {kind})"
            for key in table if key not in found]
    return out


def problems(nb, table: dict, name: str) -> list[str]:
    """Every markdown cell of `nb` whose translation is missing or stale, and every entry of
    `table` whose cell is gone, each naming the notebook and the cell."""
    units = [(f"cell {i} (id {cell.id}", cell.id, cell.source)
             for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"]
    return [m.replace("no such cell id)", "no such markdown cell)")
            for m in _problems(units, table, name, "cell id")]


def sections(markdown: str) -> list[tuple[str, str]]:
    """A Markdown document cut before each '## ' heading (outside code fences), as (key, text):
    the key is "intro" for what comes before the first, else the heading as a slug."""
    out, current, key, fenced = [], [], "intro", False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        if line.startswith("## ") and not fenced:
            out.append((key, "\n".join(current)))
            key, current = re.sub(r"[^0-9a-z]+", "-", line[3:].lower()).strip("-"), []
        current.append(line)
    out.append((key, "\n".join(current)))
    seen = {}
    for i, (key, text) in enumerate(out):  # the same heading twice: number the later ones
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            out[i] = (f"{key}-{seen[key]}", text)
    return out


def chinese_document(markdown: str, table: dict, name: str) -> str:
    """The Chinese of a Markdown document translated section by section (see sections())."""
    units = [(f"section {i} ({key}", key, text) for i, (key, text) in enumerate(sections(markdown))]
    found = _problems(units, table, name, "section")
    if found:
        raise TranslationError("\n".join(found))
    return (GENERATED + "\n".join(table[key]["zh"].rstrip("\n") + "\n"
                                   for _w, key, _t in units))


def chinese_edition(nb, table: dict, name: str, up: str = "../"):
    """A copy of the English notebook with every markdown cell in Chinese, its links to files
    beside the English notebook prefixed by `up` (raises TranslationError, listing every
    missing, stale or left-over translation)."""
    found = problems(nb, table, name)
    if found:
        raise TranslationError("\n".join(found))
    nb = nbformat.from_dict(nb)  # a deep copy
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = LOCAL_LINK.sub(rf"\1{up}\2\3", table[cell.id]["zh"].rstrip("\n"))
    nb.metadata["language"] = "zh"
    return nb


def todo(nb, table: dict) -> str:
    """The cells (of a notebook) or sections (of a Markdown document, given as text) that need
    a (new) translation, as YAML entries to fill in: the hash filled, the English text as the
    placeholder."""
    units = (sections(nb) if isinstance(nb, str) else
             [(cell.id, cell.source) for cell in nb.cells if cell.cell_type == "markdown"])
    entries = {}
    for key, text in units:
        entry = table.get(key)
        if entry is None or entry["en"] != digest(text):
            entries[key] = {"en": digest(text), "zh": text}
    return yaml.dump(entries, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False,
                     width=100)


class _BlockDumper(yaml.SafeDumper):
    """Writes text of several lines as a YAML block (`|`), as a translator edits it."""


_BlockDumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def all_problems() -> list[str]:
    """Every missing, stale or left-over translation, of every notebook and of the README."""
    found = []
    for table_path in sorted(ZH.glob("[0-9][0-9]_*.yml")):
        path = SOURCE / (table_path.stem + ".ipynb")
        if not path.exists():
            found.append(f"{table_path.name}: no notebook {path.name}")
            continue
        found += problems(nbformat.read(path, as_version=4), load_translations(table_path),
                          path.name)
    if README_TABLE.exists():
        try:
            chinese_document(README.read_text(encoding="utf-8"),
                             load_translations(README_TABLE), "README.md")
        except TranslationError as e:
            found += str(e).split("\n")
    return found


def editions():
    """(target path, text) for every Chinese notebook and its learner edition, and for the
    Chinese README."""
    if README_TABLE.exists():
        yield README_ZH, chinese_document(README.read_text(encoding="utf-8"),
                                          load_translations(README_TABLE), "README.md")
    for table_path in sorted(ZH.glob("[0-9][0-9]_*.yml")):
        path = SOURCE / (table_path.stem + ".ipynb")
        if not path.exists():
            raise TranslationError(f"{table_path.name}: no notebook {path.name}")
        nb = nbformat.read(path, as_version=4)
        table = load_translations(table_path)
        zh = chinese_edition(nb, table, path.name)
        yield ZH / path.name, nbformat.writes(zh) + "\n"
        if any(make_exercises.BEGIN in c.source for c in nb.cells if c.cell_type == "code"):
            learner = make_exercises.learner_edition(
                chinese_edition(nb, table, path.name, up="../../notebooks/"))
            yield EXERCISES_ZH / path.name, nbformat.writes(learner) + "\n"


def main(argv: list[str]) -> int:
    if argv == ["--todo", "README"]:
        table = load_translations(README_TABLE) if README_TABLE.exists() else {}
        print(todo(README.read_text(encoding="utf-8"), table), end="")
        return 0
    if argv[:1] == ["--todo"] and len(argv) == 2:
        [path] = sorted(SOURCE.glob(f"{argv[1]}_*.ipynb")) or [None]
        if path is None:
            print(f"no notebook numbered {argv[1]!r} in notebooks/")
            return 2
        table_path = ZH / (path.stem + ".yml")
        table = load_translations(table_path) if table_path.exists() else {}
        print(todo(nbformat.read(path, as_version=4), table), end="")
        return 0
    check = argv == ["--check"]
    if argv and not check:
        print(__doc__)
        return 2
    found = all_problems()
    if found:
        print("The Chinese edition cannot be made:\n" + "\n".join(found)
              + "\nRun `scripts/make_chinese.py --todo NN` for the cells to translate.")
        return 1
    wanted = dict(editions())
    stale = [p for p, text in wanted.items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    extra = [p for folder in (ZH, EXERCISES_ZH) for p in folder.glob("*.ipynb")
             if p not in wanted] + [p for p in [README_ZH] if p.exists() and p not in wanted]
    if check:
        if stale or extra:
            print("The Chinese edition is out of date with notebooks/: "
                  f"{', '.join(str(p.relative_to(ROOT)) for p in stale + extra)}. "
                  "Run `make chinese`.")
            return 1
        print("The Chinese edition is up to date")
        return 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wanted[path], encoding="utf-8")
    for path in extra:
        path.unlink()
    print(f"wrote {len(stale)} Chinese notebook(s), removed {len(extra)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
