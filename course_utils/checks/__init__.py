"""Checks for the exercises: each runs a learner's answer on small cases and answers in plain
words, showing the learner's output beside the expected one.

    cu.checks.random_mini_batches(my_random_mini_batches)
    ✓ random_mini_batches: ...what was checked...
        m = 10, mini_batch_size = 4, seed = 0 ...
        yours:    ...
        expected: ...

A check prints ✓ (right: what was checked, then your output beside the expected one), ✗ (wrong:
what is wrong, on which small example, and the slip that gives exactly that result when one
does) or ○ (not written yet: the stub still raises NotImplementedError). It returns None and
never raises, so "Run all" on the learner's edition runs to the end. `check.outcome(answer)`
gives the same verdict as (status, text) without printing; `summary()` prints one line: which
exercises checked in this session pass.

Language: the checks answer in English, or in Chinese in the Chinese edition (a kernel started
in a folder named zh), or as `set_language("zh")` or each call's `lang="zh"` says (the call's
`lang` wins). Everything a check says is translated: the frame (✓ ✗ ○, the exercise's name, "not
written yet") and every explanation, hint and label. Each module keeps its messages in one
catalogue, `_MSG`: key -> {"en": template, "zh": template}; a check builds a `Msg` (template and
values) and `Wrong` carries it, written out in the language of the call only when shown.

How slips are told apart: every answer runs on several small cases chosen so that each
plausible slip gives its own numbers on them, and a slip is named only when the answer matches
it on every case. Besides the values, a check verifies what the answer must not do: change
numpy's global random state, change its inputs in place, return the wrong dtype; and, for the
exercises that use a model, what it asked of the model (a recording model notes every forward
pass, its examples, and every update).
"""

from .curves import ewma, one_epoch
from .decay import decay_schedule, lr_decay
from .feedback import Wrong, language, set_language, summary
from .memory import accumulate, step_bytes
from .minibatches import minibatches_per_epoch, random_mini_batches
from .noise import gradient_variance
from .rates import least_squares_rate

__all__ = [
    "Wrong", "accumulate", "decay_schedule", "ewma", "gradient_variance", "language",
    "least_squares_rate", "lr_decay", "minibatches_per_epoch", "one_epoch", "random_mini_batches",
    "set_language", "step_bytes", "summary",
]
