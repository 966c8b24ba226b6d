"""The figures of notebook 03: paths on the cost surface of a two-parameter model
(measure/surface.py computes the surface and the paths).

* `plot_paths`: the contour figure, each method in its own colour, line style and marker.
* `plot_distances`: the epoch-mean distance to w* of several runs against epochs.
* `plot_near_minimum`: the contours close to w*, with pieces of paths (e.g. a last epoch).

matplotlib's pyplot is imported inside the plot functions.
"""

import numpy as np

from ..core.validate import validate_bool, validate_int, validate_real
from ..measure.surface import (
    LeastSquares2D,
    _as_path,
    _as_point,
    _validate_surface,
    distance_per_epoch,
)
from .plotting import (
    OTHER,
    legend,
    method_label,
    method_of,
    method_style,
    plain_log_ticks,
    plot_contours,
    plot_path,
)

# Draw order of the paths, bottom to top: mini-batch GD's green zigzags over batch GD's
# (thinner) smooth blue line, which they follow along the valley floor: blue on top would hide
# the green route.
PATH_ZORDER = {"sgd": 2.1, "batch": 2.2, "minibatch": 2.3}

END_ZORDER = {"sgd": 5.1, "minibatch": 5.2, "batch": 5.3}

W_STAR_STYLE = dict(marker="+", color=OTHER["black"], ms=12, mew=1.0, ls="none")


def _w_star(ax, surface, **style):
    """w*: a thin black cross with a white edge, drawn over everything (zorder 6)."""
    from matplotlib import patheffects

    edge = [patheffects.withStroke(linewidth=style.get("mew", 1.0) + 2.5, foreground="white")]
    return ax.plot(*surface.w_min, **{**W_STAR_STYLE, **style}, path_effects=edge, zorder=6)

# Looks for runs that are not one method against another (e.g. one method at three learning
# rates): OTHER colours, never a method's, each with its own line style and marker too.
OTHER_STYLES = (dict(color=OTHER["black"], ls="-", marker="."),
                dict(color=OTHER["orange"], ls="--", marker="D"),
                dict(color=OTHER["vermillion"], ls="-.", marker="v"))


def round_levels(J_min: float, J_max: float) -> list:
    """Contour levels of J with round values (two significant digits) between J_min and J_max:
    J_min plus 0.005, 0.01, 0.02, 0.05, ... (a 1-2-5 series), each rounded to two digits, so
    that the contours are denser near the minimum and every label is a round number."""
    excess = [k * 10.0 ** e for e in range(-3, 4) for k in (1, 2, 5)]
    levels = {float(f"{J_min + x:.2g}") for x in excess}
    return sorted(v for v in levels if J_min < v < J_max)


def _round_contours(ax, surface, limits, n: int = 150):
    """Contours of `surface` over `limits` at `round_levels`, axes named as plot_contours does."""
    (x0, x1), (y0, y1) = limits
    w1, w2 = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    J = surface(w1, w2)
    ax.contour(w1, w2, J, levels=round_levels(float(surface.J_min), float(J.max())),
               colors=OTHER["light grey"], linewidths=0.8)
    ax.set(xlabel="parameter w1 (no unit)", ylabel="parameter w2 (no unit)", aspect="equal")


def _zoom_inset(ax, paths: dict, m: int, surface, radius: float, bounds, lw: float,
                tail: int, panel=None):
    """An inset on `ax` (at `bounds`, axes fraction) showing the square of half-width `radius`
    around w*: contours, the last `tail` updates of each path in its method style, their end
    stars and w* on top. panel: an Axes to draw the zoom in instead of an inset (its axes
    named and ticked, the zoomed square marked on `ax`)."""
    lims = [(c - radius, c + radius) for c in surface.w_min]
    ins = ax.inset_axes(bounds) if panel is None else panel
    _round_contours(ins, surface, lims)
    for b, P in paths.items():
        style = method_style(b, m)
        method = method_of(b, m)
        ins.plot(*P[-tail - 1:].T, **{**style, "lw": lw * 0.8, "ms": 4},
                 zorder=PATH_ZORDER[method])
        ins.plot(*P[-1], marker="*", ms=13, mfc=style["color"], mec=OTHER["black"], ls="none",
                 zorder=END_ZORDER[method])
    # w*: over the paths and end stars, its white edge keeping it readable on them; in a
    # panel small, so that an end star on it still shows around it
    _w_star(ins, surface, ms=18 if panel is None else 9, mew=2.0 if panel is None else 1.0)
    ins.set(xlim=lims[0], ylim=lims[1])
    if panel is None:
        ins.set(xlabel="", ylabel="", xticks=[], yticks=[])
        ins.set_title(f"zoom, {2 * radius:g} x {2 * radius:g} around w*: last {tail} updates",
                      fontsize=8)
        ax.indicate_inset_zoom(ins, edgecolor=OTHER["grey"])
    else:
        ins.set_title(f"Zoom on the grey square ({2 * radius:g} x {2 * radius:g} around w*):\n"
                      f"the last {tail} updates of each, ends as stars")
        from matplotlib.patches import Rectangle

        ax.add_patch(Rectangle((lims[0][0], lims[1][0]), 2 * radius, 2 * radius, fill=False,
                               edgecolor=OTHER["grey"], lw=1.2, zorder=6))
    return ins


def _mark_minimum(ax, surface):
    """w* as a thin black cross over everything: thin, so markers under it still show."""
    _w_star(ax, surface, label="minimum w* of J")


def _label_contours(ax, n: int, avoid, limits):
    """Write the value of J on `n` contour lines, every third from the outside in (the inner
    ones crowd together around w*). Each label sits at the point of its line, inside the
    view, farthest from every point in `avoid` (k, 2), so that it covers no path."""
    cs = [c for c in ax.collections if hasattr(c, "levels")][-1]
    avoid = np.asarray(avoid, dtype=float)
    (x0, x1), (y0, y1) = limits
    margin = 0.08 * min(x1 - x0, y1 - y0)  # keep labels off the frame
    levels, spots = [], []
    for i in range(len(cs.levels) - 2, -1, -3)[:n]:  # the top level is a corner of the grid
        pts = np.vstack([seg for seg in cs.allsegs[i] if len(seg)] or [np.empty((0, 2))])
        inside = ((pts[:, 0] > x0 + margin) & (pts[:, 0] < x1 - margin)
                  & (pts[:, 1] > y0 + margin) & (pts[:, 1] < y1 - margin))
        pts = pts[inside]
        if len(pts) == 0:
            continue
        gap = np.min(np.linalg.norm(pts[:, None, :] - avoid[None, :, :], axis=2), axis=1)
        levels.append(cs.levels[i])
        spots.append(pts[np.argmax(gap)])
    if levels:
        ax.clabel(cs, levels=levels, manual=spots, fmt=lambda v: f"J = {v:g}", fontsize=8,
                  inline=True, colors=OTHER["grey"])


def _annotate_ends(ax, ends: dict, offsets=((45, -40), (-10, -55), (-75, -40), (70, -15))):
    """Name each path's end beside it, with a thin arrow in the path's colour: ends close to
    each other (and to w*) stay apart. ends: {text: ((w1, w2), colour)}; the arrows fan out
    below the points, one direction per end (`offsets`, in points), so the texts never overlap
    each other."""
    for (text, (xy, color)), offset in zip(ends.items(), offsets, strict=False):
        ax.annotate(text, xy, xytext=offset, textcoords="offset points", fontsize=8,
                    ha="center", va="top", zorder=7,
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=color, lw=0.8),
                    arrowprops=dict(arrowstyle="-", color=color, lw=0.8, shrinkA=0, shrinkB=4))


def plot_paths(paths: dict, m: int, surface: LeastSquares2D, ax=None, pad: float = 0.4,
               lw: float = 1.6, limits=None, labels: int = 4, annotate_ends: bool = True,
               inset=None, inset_at=(0.02, 0.02, 0.36, 0.36), inset_tail: int = 10,
               zoom_ax=None):
    """Contours of `surface` with one path per batch size drawn on them, in the method styles;
    returns the Axes (never calls plt.show()).

    paths: {batch_size: path (k, 2)}, listed in the legend in that order; m: the training set
    size (b = m is batch GD). Batch GD is drawn lowest, mini-batch GD on top (PATH_ZORDER).
    The view is the box around all the paths and w*, widened by `pad` (parameter units),
    unless limits = ((w1_lo, w1_hi), (w2_lo, w2_hi)). lw: width of the path lines (points).
    `labels` contour lines carry their value of J. w* is a thin black cross, distinct from
    the paths' end stars, which are drawn smaller than in the legend and, with
    annotate_ends, named beside them ("SGD ends"), so that ends close together stay apart.
    Contours sit at round values of J (`round_levels`). inset: a half-width (parameter units):
    an inset at `inset_at` (axes fraction) zooms into the square around w*, where the ends
    crowd, with the last `inset_tail` updates of each path; the ends are then told apart
    there by their star colours, not annotated, and no contour label sits under the inset.
    zoom_ax: an Axes of the same figure (with `inset` as the half-width): the zoom is drawn
    there, as a panel of its own with its axes named, instead of an inset; a grey square on
    `ax` marks the zoomed region, the ends are named in the panel ("SGD ends"), and the legend
    goes below `ax`.
    """
    import matplotlib.pyplot as plt

    if not paths:
        raise ValueError("paths must hold at least one {batch_size: path} entry, got none")
    _validate_surface(surface)
    m = validate_int("m", m)
    Ps = {validate_int("a batch size of paths", b, high=m): _as_path(P, f"paths[{b}]")
          for b, P in paths.items()}
    pad = validate_real("pad", pad, low=0)
    lw = validate_real("lw", lw, low=0, low_open=True)
    labels = validate_int("labels", labels, low=0)
    annotate_ends = validate_bool("annotate_ends", annotate_ends)
    if inset is not None:
        inset = validate_real("inset", inset, low=0, low_open=True)
    inset_tail = validate_int("inset_tail", inset_tail)
    if zoom_ax is not None and inset is None:
        raise ValueError("zoom_ax needs inset, the zoom's half-width (parameter units), got "
                         "inset=None")
    if limits is not None:
        limits = np.asarray(limits, dtype=float)
        if (limits.shape != (2, 2) or not np.all(np.isfinite(limits))
                or not np.all(limits[:, 0] < limits[:, 1])):
            raise ValueError(f"limits must be ((w1_lo, w1_hi), (w2_lo, w2_hi)), finite, each lo "
                             f"< hi; got {limits.tolist()}")
        limits = tuple(map(tuple, limits))
    if limits is None:
        pts = np.vstack([*Ps.values(), surface.w_min[None, :]])
        lo, hi = pts.min(axis=0) - pad, pts.max(axis=0) + pad
        limits = ((lo[0], hi[0]), (lo[1], hi[1]))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    _round_contours(ax, surface, limits)
    if labels:
        avoid = [*Ps.values()]
        if zoom_ax is not None:  # points along the zoomed square: no label under it
            t = np.linspace(-inset, inset, 9)
            (c1, c2), edge = surface.w_min, np.full(9, inset)
            avoid += [np.column_stack([c1 + t, c2 + k * edge]) for k in (-1, 1)]
            avoid += [np.column_stack([c1 + k * edge, c2 + t]) for k in (-1, 1)]
        elif inset is not None:  # points over the inset: no label under it
            (x0, x1), (y0, y1) = limits
            fx, fy = np.meshgrid(np.linspace(inset_at[0], inset_at[0] + inset_at[2], 8),
                                 np.linspace(inset_at[1], inset_at[1] + inset_at[3], 8))
            avoid.append(np.column_stack([x0 + fx.ravel() * (x1 - x0),
                                          y0 + fy.ravel() * (y1 - y0)]))
        _label_contours(ax, labels, np.vstack(avoid), limits)
    ends = {}
    for b, P in Ps.items():
        style = method_style(b, m)
        method = method_of(b, m)
        plot_path(P, ax=ax, label=method_label(b, m), **style)
        path_line, start, end = ax.get_lines()[-3:]  # plot_path draws these three
        path_line.set(linewidth=lw if method != "batch" else lw * 0.8, zorder=PATH_ZORDER[method],
                      markersize=3 if method != "batch" else 4)
        end.set(markersize=8, zorder=END_ZORDER[method])
        ends[f"{method_label(b, m).split(' (')[0]} ends"] = (P[-1], style["color"])
    _mark_minimum(ax, surface)
    if inset is not None:
        _zoom_inset(ax, Ps, m, surface, inset, inset_at, lw, inset_tail, zoom_ax)
    elif annotate_ends:
        _annotate_ends(ax, ends)
    ax.set(xlim=limits[0], ylim=limits[1])
    if zoom_ax is None:
        leg = legend(ax)
    else:  # the zoom panel sits on the right: the legend goes below
        leg = legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)
        _annotate_ends(zoom_ax, ends, offsets=((60, 25), (70, -60), (-60, -45)))
    for text in leg.get_texts():  # the legend's star is grey; on the paths it takes their colour
        if text.get_text() == "end":
            text.set_text("end (in the path's colour)")
    return ax


def plot_distances(runs: dict, w_min, m: int, ax=None, threshold=None,
                   threshold_label: str = "threshold", every_update=(1,)):
    """Mean distance to w* in each epoch of several runs, against epochs (linear axis), on a
    log y axis; returns the Axes (never calls plt.show()).

    runs: {batch_size: History recorded with record_path=True}. Each curve starts at the
    start (epoch 0) and has one point per epoch, at the end of that epoch, in
    the method's style, a marker every tenth of the epochs. For the batch sizes in
    `every_update` the distance after every single update is drawn too, thin and light,
    behind everything (a band, named so in the legend): it shows how far a single update
    strays from the epoch's mean. threshold: a distance drawn as a grey dashed line, named
    `threshold_label` in the legend.
    """
    import matplotlib.pyplot as plt

    if not runs:
        raise ValueError("runs must hold at least one {batch_size: History} entry, got none")
    w_min = _as_point("w_min", w_min)
    m = validate_int("m", m)
    if threshold is not None:
        threshold = validate_real("threshold", threshold, low=0, low_open=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    for b, h in runs.items():
        dist = np.linalg.norm(np.asarray(h.path, dtype=float) - w_min, axis=1)
        style = method_style(b, m)
        if b in every_update:
            seen = np.concatenate([[0], h.step_examples]) / m  # epochs
            ax.plot(seen, dist, lw=0.3, alpha=0.12, zorder=1.5, marker="none",
                    color=style["color"], ls=style["ls"],
                    label=f"{method_label(b, m)}, each update (light band)")
        d_epoch = np.concatenate([[dist[0]], distance_per_epoch(h.path, w_min, m, b)])
        seen = np.arange(len(d_epoch))  # epochs
        ax.plot(seen, d_epoch, lw=1.4, ms=6, markevery=max(1, (len(seen) - 1) // 10), zorder=3,
                label=f"{method_label(b, m)}, mean over each epoch", **style)
    if threshold is not None:
        ax.axhline(threshold, color=OTHER["grey"], ls="--", lw=1, zorder=1,
                   label=f"{threshold_label} ({threshold:.2f})")
    ax.set_yscale("log")
    plain_log_ticks(ax.yaxis)
    ax.set(xlabel="epochs (passes over the training set; 0 is the start)", xlim=(0, None),
           ylabel="distance to w*, ||w - w*|| (no unit)")
    leg = legend(ax)
    for handle in leg.legend_handles:  # the light lines' legend entries: visible, still lighter
        if handle.get_alpha() is not None:
            handle.set(alpha=0.6, linewidth=1.0)
    return ax


def plot_near_minimum(surface: LeastSquares2D, paths: dict, radius: float, ax=None,
                      inset=None, inset_at=(0.6, 0.04, 0.38, 0.38)):
    """Contours within `radius` (parameter units) of w*, with w* marked and some paths on them.

    paths: {label: (path (k, 2), style)}, style a dict of keywords for ax.plot (the caller
    chooses method or OTHER colours). Draws no start or end markers: for pieces of paths,
    such as a run's last epoch. inset: a smaller half-width (parameter units): an inset at
    `inset_at` (axes fraction) zooms into that square around w*, with the same paths, for what
    is too small to see at `radius`. Returns the Axes (never calls plt.show()).
    """
    import matplotlib.pyplot as plt

    _validate_surface(surface)
    radius = validate_real("radius", radius, low=0, low_open=True)
    if inset is not None:
        inset = validate_real("inset", inset, low=0, low_open=True, high=radius)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    axes = [(ax, radius)]
    if inset is not None:
        axes.append((ax.inset_axes(inset_at), inset))
    for a, r in axes:
        lims = [(c - r, c + r) for c in surface.w_min]
        plot_contours(surface, *lims, ax=a)
        _mark_minimum(a, surface)
        for label, (path, style) in paths.items():
            a.plot(*_as_path(path).T, label=label if a is ax else None, **style)
        a.set(xlim=lims[0], ylim=lims[1])
    if inset is not None:
        ins = axes[1][0]
        ins.set(xlabel="", ylabel="")
        ins.tick_params(labelsize=7)
        ins.set_title(f"zoom: {2 * inset:g} x {2 * inset:g} around w*", fontsize=8)
        ax.indicate_inset_zoom(ins, edgecolor=OTHER["grey"])
    legend(ax)
    return ax
