"""LiveFigure's backgrounds: one per layout (limits, legend), kept and put back when the
figure returns to a layout it had, never put back for another layout."""

import matplotlib

matplotlib.use("Agg")  # tests only

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.ui.live_figure import LiveFigure  # noqa: E402


def make_figure(keep=None):
    """A LiveFigure with one Axes, its legend right of it (the constrained layout makes room
    for it: a longer label moves the Axes) and one animated line."""
    live = LiveFigure((4, 3)) if keep is None else LiveFigure((4, 3), keep=keep)
    ax = live.fig.add_subplot()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    line = live.animate(ax.plot([0, 1], [0.2, 0.8], label="a")[0])
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    return live, ax, line


def relabel(live, ax, line, label):
    line.set_label(label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    live.relayout()


def test_a_layout_seen_before_gets_its_own_background_back_without_a_render():
    live, ax, line = make_figure()
    live.redraw()
    first, first_position = live.frame(), ax.get_position().bounds
    assert live.full_renders == 1

    ax.set_ylim(0, 2)  # other limits: another background, rendered
    live.relayout()
    live.redraw()
    assert live.full_renders == 2
    assert (live.frame() != first).any()

    relabel(live, ax, line, "a much longer label that takes room")  # the Axes shrink
    live.redraw()
    assert live.full_renders == 3
    assert ax.get_position().bounds != first_position

    ax.set_ylim(0, 1)
    relabel(live, ax, line, "a")  # the first layout again: its background, its Axes' place
    live.redraw()
    assert live.full_renders == 3
    assert ax.get_position().bounds == first_position and ax.get_in_layout()
    np.testing.assert_array_equal(live.frame(), first)


def test_new_data_on_a_kept_background_is_drawn():
    live, ax, line = make_figure()
    live.redraw()
    first = live.frame()
    line.set_data([0, 1], [0.9, 0.1])
    live.redraw()  # the same layout: no render, the line moved
    assert live.full_renders == 1
    assert (live.frame() != first).any()


def test_only_the_last_layouts_are_kept_and_forget_drops_them():
    live, ax, line = make_figure(keep=2)
    for top in (1, 2, 3):  # three layouts, two kept: (0, 2) and (0, 3)
        ax.set_ylim(0, top)
        live.relayout()
        live.redraw()
    assert live.full_renders == 3
    ax.set_ylim(0, 2)
    live.relayout()
    live.redraw()
    assert live.full_renders == 3  # kept
    ax.set_ylim(0, 1)
    live.relayout()
    live.redraw()
    assert live.full_renders == 4  # dropped: rendered again
    ax.set_title("a title the layout key does not see")
    live.forget_backgrounds()
    live.redraw()
    assert live.full_renders == 5


@pytest.mark.parametrize("keep", [0, 257, 2.5])
def test_keep_must_be_a_small_whole_number(keep):
    with pytest.raises((ValueError, TypeError), match="keep"):
        LiveFigure((4, 3), keep=keep)


def test_a_colour_given_as_a_list_makes_a_layout_key():
    live, ax, line = make_figure()
    line.set_color([0.1, 0.2, 0.3])
    relabel(live, ax, line, "a")
    live.redraw()  # the legend's handle has a list for colour: still a key
    assert live.layout_key()[0][2] == (("a", (0.1, 0.2, 0.3), "-", "None"),)


def test_forty_layouts_are_kept_by_default_each_compressed():
    """A pass across a lab's sliders meets some twenty layouts and comes back to them: by
    default they are all kept (compressed, a fraction of their pixels' bytes), and a second
    pass renders none again, pixel for pixel the same frames."""
    live, ax, line = make_figure()
    frames = []
    for _ in range(2):
        for top in range(1, 41):
            ax.set_ylim(0, top)
            live.relayout()
            live.redraw()
            frames.append(live.frame())
    assert live.full_renders == 40
    for first, again in zip(frames[:40], frames[40:]):
        np.testing.assert_array_equal(again, first)
    raw = live.frame().nbytes
    assert all(len(packed) < raw / 5 for packed, _ in live._backgrounds.values())
