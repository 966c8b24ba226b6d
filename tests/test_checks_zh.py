"""The checks in Chinese (issue 21): every answer of the corpus (tests/wrong_answers.py) checked
with lang="zh" gets the same verdict as in English, explained in Chinese, not only framed in it;
every message catalogue has both languages with the same blanks to fill; the language of one
call wins over the session's."""

import re
import string

import pytest
from wrong_answers import CORPUS

import course_utils as cu
from course_utils.checks import curves, decay, feedback, memory, minibatches, noise, rates

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z']+(?: [A-Za-z']+){3,}")  # four English words in a row: a sentence
CATALOGUES = {"feedback": feedback._SAY, "minibatches": minibatches._MSG, "curves": curves._MSG,
              "decay": decay._MSG, "noise": noise._MSG, "memory": memory._MSG,
              "rates": rates._MSG}


def _id(a):
    return f"{a.exercise}-{a.slip}-{a.fn.__name__}"


def _explanation(text):
    """What follows the frame "✗ title：" (or "✓ title："), the part the checks' catalogues say."""
    return text.split("：", 1)[1]


@pytest.mark.parametrize("answer", CORPUS, ids=map(_id, CORPUS))
def test_every_answer_gets_the_same_verdict_explained_in_chinese(answer):
    check = getattr(cu.checks, answer.exercise)
    status_en, english = check.outcome(answer.fn, lang="en")
    status, text = check.outcome(answer.fn, lang="zh")
    assert status == status_en == ("right" if answer.slip == "right" else "wrong"), text
    first, *shown = text.split("\n")
    assert first.startswith("✓" if status == "right" else "✗"), text
    why = _explanation(first)
    assert CJK.search(why), text
    assert not ENGLISH.search(text), (ENGLISH.search(text), text)  # no English sentence left
    assert len(shown) == len(english.split("\n")) - 1, text
    if status == "right":
        assert sum(s.strip().startswith("你的：") for s in shown) == \
            sum(s.strip().startswith("应为：") for s in shown) >= 1, text


def _bare(template):
    """The template without spaces, with Chinese punctuation written as English."""
    return re.sub(r"\s", "", template.replace("，", ",").replace("：", ":"))


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_message_has_both_languages_with_the_same_blanks(name):
    def blanks(template):
        return sorted(f for _, f, _, _ in string.Formatter().parse(template) if f is not None)
    for key, templates in CATALOGUES[name].items():
        assert set(templates) == {"en", "zh"}, (name, key)
        en, zh = blanks(templates["en"]), blanks(templates["zh"])
        assert set(zh) <= set(en) and set(en) - set(zh) <= {"es"}, (name, key)  # es: a plural
        same = _bare(templates["zh"]) == _bare(templates["en"])
        assert CJK.search(templates["zh"]) or same, (name, key)  # only code and numbers stay


def test_the_language_of_the_call_wins_over_the_sessions():
    wrong = next(a for a in CORPUS if a.exercise == "ewma" and a.slip != "right")
    english = cu.checks.ewma.outcome(wrong.fn, lang="en")[1]
    chinese = cu.checks.ewma.outcome(wrong.fn, lang="zh")[1]
    assert "Hint:" in english and "提示：" in chinese
    try:
        cu.checks.set_language("en")
        assert cu.checks.ewma.outcome(wrong.fn, lang="zh")[1] == chinese
        assert cu.checks.ewma.outcome(wrong.fn)[1] == english
        cu.checks.set_language("zh")
        assert cu.checks.ewma.outcome(wrong.fn, lang="en")[1] == english
        assert cu.checks.ewma.outcome(wrong.fn)[1] == chinese
    finally:
        cu.checks.set_language(None)


def test_a_message_is_written_in_the_language_asked_with_its_parts():
    hint = feedback.Msg({"en": "the {what}", "zh": "那个{what}"}, what="slip")
    msg = feedback.Msg({"en": "{n:,} bytes{hint}", "zh": "{n:,} 字节{hint}"}, n=2**31,
                       hint=feedback._hint(hint))
    assert msg.text("en") == str(msg) == "2,147,483,648 bytes Hint: the slip."
    assert msg.text("zh") == "2,147,483,648 字节提示：那个slip。"
    assert str(feedback.Wrong(msg)) == "2,147,483,648 bytes Hint: the slip."
    assert feedback.Wrong("plain").text("zh") == "plain"
