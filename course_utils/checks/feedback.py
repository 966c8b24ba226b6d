"""What every check shares: the verdict (✓, ✗, ○) and its printing, the summary line, the
feedback helpers (formatting, calling an answer safely, naming a slip), the small cases and the
recording model that notes what an answer asked of it."""

import functools
import math
from pathlib import Path

import numpy as np

from ..core import models
from ..core.validate import validate_choice

_RESULTS = {}  # title -> (status, titles) for summary(); status "right", "wrong" or "not
#                written"; the latest run wins
LANGUAGES = ("en", "zh")
_language = None  # None: chosen by the kernel's folder (see language())

# What every check says, per language. The Chinese follows the source page's terms.
_SAY = {
    "not written": {
        "en": "○ {title}: not written yet. Replace the stub's `raise NotImplementedError` with "
              "your code, run its cell, then this one.",
        "zh": "○ {title}：尚未完成。把存根里的 `raise NotImplementedError` 换成你的代码，运行那个"
              "单元格，再运行本单元格。"},
    "raised": {"en": "✗ {title}: your code raised {kind}: {error}",
               "zh": "✗ {title}：你的代码抛出了 {kind}：{error}"},
    "wrong": {"en": "✗ {title}: {why}", "zh": "✗ {title}：{why}"},
    "right": {"en": "✓ {title}: {checked}", "zh": "✓ {title}：{checked}"},
    "none yet": {"en": "No exercise checked yet: run the check cells above.",
                 "zh": "还没有检查过任何练习：先运行上面的检查单元格。"},
    "summary": {"en": "Exercises: {passed} of {n} pass: {parts}.",
                "zh": "练习：共 {n} 个，通过 {passed} 个：{parts}。"},
    "not written yet": {"en": " (not written yet)", "zh": "（尚未完成）"},
    # the parts of the explanations that every check uses
    "hint": {"en": " Hint: {slip}.", "zh": "提示：{slip}。"},
    "yours": {"en": "yours:    {value}", "zh": "你的：    {value}"},
    "expected": {"en": "expected: {value}", "zh": "应为：    {value}"},
    "random state": {
        "en": "your function changed numpy's global random state (np.random.seed, "
              "np.random.permutation, np.random.shuffle ... all do): every other random number "
              "in the notebook would then depend on it. {instead}",
        "zh": "你的函数改变了 numpy 的全局随机状态（np.random.seed、np.random.permutation、"
              "np.random.shuffle ……都会这样）：notebook 里其余的每个随机数都会因此受它影响。"
              "{instead}"},
    "in place": {
        "en": "your function changed the caller's {name} in place (an assignment like "
              "{name}[...] = ... or {name} -= ...): the caller's data must stay as it was. Work "
              "on new arrays: A - B makes a new one, A -= B changes A.",
        "zh": "你的函数原地修改了调用者的 {name}（像 {name}[...] = ... 或 {name} -= ... 这样的"
              "赋值）：调用者的数据必须保持原样。请在新数组上计算：A - B 生成一个新数组，"
              "A -= B 则改动 A 本身。"},
}


def language() -> str:
    """The language the checks answer in: the one set by set_language(), else "zh" when the
    kernel runs in a folder named zh (the Chinese edition; JupyterLab and nbval start a
    notebook's kernel in its folder), else "en"."""
    if _language is not None:
        return _language
    return "zh" if Path.cwd().name == "zh" else "en"


def set_language(lang: str | None) -> None:
    """Make every check answer in `lang` ("en" or "zh"); None goes back to the folder's."""
    global _language
    _language = None if lang is None else validate_choice("lang", lang, LANGUAGES)


def _say(key: str, lang: str, **values) -> str:
    return _SAY[key][lang].format(**values)


class Msg:
    """A message in every language, written out in one only when shown: `templates` maps each
    language to a str.format template ({"en": ..., "zh": ...}, one entry of a module's message
    catalogue), `values` fill it. A value that is itself a Msg (a hint inside a sentence) is
    written in the same language; text(lang) gives the text, str() the English."""

    def __init__(self, templates: dict, **values):
        self.templates, self.values = templates, values

    def text(self, lang: str) -> str:
        values = {k: v.text(lang) if isinstance(v, Msg) else v for k, v in self.values.items()}
        return self.templates[lang].format(**values)

    def __str__(self) -> str:
        return self.text("en")


def catalogue(table: dict):
    """The message maker of one check module: message(key, **values) is the Msg of `key` in
    that module's table of {"en": ..., "zh": ...} templates."""
    def message(key: str, **values) -> Msg:
        return Msg(table[key], **values)
    return message


def _text(message, lang: str) -> str:
    """A Msg in `lang`; a plain str (numbers, code) as it is."""
    return message.text(lang) if isinstance(message, Msg) else str(message)


def _hint(slip: Msg | None) -> Msg | str:
    """" Hint: <slip>." to end a message with, or "" when no slip was named."""
    return Msg(_SAY["hint"], slip=slip) if slip else ""


def _yours(value: str) -> Msg:
    return Msg(_SAY["yours"], value=value)


def _expected(value: str) -> Msg:
    return Msg(_SAY["expected"], value=value)


class Wrong(Exception):
    """The answer is wrong; the message (a Msg, or a str) says how, in plain words."""

    def text(self, lang: str) -> str:
        return _text(self.args[0], lang)


def _check(title, zh=None):
    """Turn body(answer) -> (what was checked, shown lines) (raising Wrong if wrong) into a
    check that prints its verdict and returns None; check.outcome(answer) returns (status,
    text) with status "right", "wrong" or "not written", printing nothing. Both take
    `lang=None` ("en" or "zh"; None: language()); `zh` is the title in Chinese. The body's
    messages are Msg (or plain str), written out here in the language of the call."""
    titles = {"en": title, "zh": zh or title}

    def decorate(body):
        def outcome(answer, lang=None):
            lang = language() if lang is None else validate_choice("lang", lang, LANGUAGES)
            name = titles[lang]
            try:
                checked, shown = body(answer)
            except NotImplementedError:
                status, text = "not written", _say("not written", lang, title=name)
            except Wrong as e:
                status, text = "wrong", _say("wrong", lang, title=name, why=e.text(lang))
            except Exception as e:  # the learner's code failed: say so, don't raise
                status, text = "wrong", _say("raised", lang, title=name,
                                             kind=type(e).__name__, error=e)
            else:
                status, text = "right", "\n".join(
                    [_say("right", lang, title=name, checked=_text(checked, lang))]
                    + ["    " + _text(s, lang) for s in shown])
            _RESULTS[title] = (status, titles)
            return status, text

        @functools.wraps(body)
        def check(answer, lang=None) -> None:
            print(outcome(answer, lang)[1])

        check.outcome = outcome
        return check
    return decorate


def summary(lang=None) -> None:
    """Print one line: the exercises checked in this session (this notebook's kernel), and
    which of them pass (✓), need another look (✗) or are not written yet (○)."""
    lang = language() if lang is None else validate_choice("lang", lang, LANGUAGES)
    if not _RESULTS:
        print(_say("none yet", lang))
        return
    marks = {"right": "✓", "wrong": "✗", "not written": "○"}
    passed = sum(s == "right" for s, _ in _RESULTS.values())
    parts = [f"{marks[s]} {titles[lang]}"
             + (_say("not written yet", lang) if s == "not written" else "")
             for s, titles in _RESULTS.values()]
    print(_say("summary", lang, passed=passed, n=len(_RESULTS),
               parts=("、" if lang == "zh" else ", ").join(parts)))


def _fmt(x) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.6g}"
    if isinstance(x, np.ndarray):
        return np.array2string(x, precision=4, separator=", ")
    return repr(x)


def _same_random_state(a, b) -> bool:
    return (a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:4] == b[2:4]
            and (a[4] == b[4] or (math.isnan(a[4]) and math.isnan(b[4]))))


def _call(fn, args, names, instead):
    """fn(*args), with what an answer must not do turned into Wrong: change numpy's global
    random state (restored before saying so; `instead`, a Msg or "", says what to use) or
    change an array argument in place (names: the arguments' names, for the message; None: not
    checked)."""
    state = np.random.get_state()
    before = [a.copy() if isinstance(a, np.ndarray) else None for a in args]
    try:
        out = fn(*args)
    finally:
        touched = not _same_random_state(state, np.random.get_state())
        np.random.set_state(state)
    if touched:
        raise Wrong(Msg(_SAY["random state"], instead=instead))
    for name, arg, old in zip(names, args, before):
        if name and old is not None and not (arg.shape == old.shape and np.array_equal(arg, old)):
            raise Wrong(Msg(_SAY["in place"], name=name))
    return out


def _named_slip(results, candidates, close):
    """The first slip whose results match the answer's on every case, or None.
    results: the answer's result per case; candidates: {hint: result per case}."""
    for hint, values in candidates.items():
        if all(close(r, v) for r, v in zip(results, values)):
            return hint
    return None


def _close(a, b, rtol=1e-9):
    try:
        return bool(np.isclose(float(a), float(b), rtol=rtol, atol=0)) or float(a) == float(b)
    except (TypeError, ValueError):
        return False


# ---- 01: building mini-batches ---------------------------------------------------------------

def index_valued(n_x: int, m: int):
    """X whose entry (i, j) is 1000 i + j (float) and integer Y = j: every value says which
    example it is."""
    X = (1000 * np.arange(n_x)[:, None] + np.arange(m)[None, :]).astype(float)
    return X, np.arange(m)[None, :]


def _sizes(sizes) -> str:
    return ", ".join(map(str, sizes)) if len(sizes) <= 6 else \
        f"{sizes[0]}, {sizes[1]}, ..., {sizes[-1]}"


def _ids(batches) -> str:
    return " | ".join(" ".join(str(int(i)) for i in np.asarray(x)[0]) for x, _ in batches)


class RecordingMLP(models.MLP):
    """An MLP that writes down what is asked of it: each call in `calls`, as ("forward", the
    numbers of the examples (columns of `known`) it got), ("cost" or "backward", Y) or
    ("update", learning_rate). Otherwise a plain cu.models.MLP."""

    def __init__(self, layer_dims, known, **kwargs):
        super().__init__(layer_dims, **kwargs)
        self.calls = []
        self._known = {np.ascontiguousarray(known[:, j]).tobytes(): j
                       for j in range(known.shape[1])}

    def forward(self, X):
        ids = ([self._known.get(np.ascontiguousarray(X[:, j]).tobytes(), -1)
                for j in range(X.shape[1])] if np.ndim(X) == 2 else [])
        self.calls.append(("forward", ids))
        return super().forward(X)

    def cost(self, Y, cache):
        self.calls.append(("cost", np.array(Y)))
        return super().cost(Y, cache)

    def backward(self, Y, cache):
        self.calls.append(("backward", np.array(Y)))
        return super().backward(Y, cache)

    def update(self, grads, learning_rate):
        self.calls.append(("update", learning_rate))
        super().update(grads, learning_rate)
