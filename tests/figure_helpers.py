"""What a reader sees on a figure: shared by the figure tests."""

from __future__ import annotations

from matplotlib.text import Text


def tick_labels(ax, which: str = "x") -> list[Text]:
    """The tick labels drawn: those of ticks inside the view limits."""
    axis, (lo, hi) = (ax.xaxis, ax.get_xlim()) if which == "x" else (ax.yaxis, ax.get_ylim())
    index = 0 if which == "x" else 1
    lo, hi = min(lo, hi), max(lo, hi)
    span = hi - lo
    return [
        t
        for t in axis.get_ticklabels()
        if lo - 1e-9 * span <= t.get_position()[index] <= hi + 1e-9 * span
    ]


def tick_texts(ax, which: str = "x") -> list[str]:
    return [t.get_text() for t in tick_labels(ax, which)]


def texts_of(fig) -> list[Text]:
    """Every text a reader sees: header/footer, titles, axis and tick labels, annotations and
    legends (tick labels only of ticks inside the view)."""
    found = list(fig.texts)
    for ax in fig.axes:
        found += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        found += tick_labels(ax, "x") + tick_labels(ax, "y") + ax.texts
        legends = [ax.get_legend()] if ax.get_legend() else []
        for legend in legends + list(fig.legends):
            found += [*legend.get_texts(), legend.get_title()]
    unique = list(dict.fromkeys(found))
    return [t for t in unique if t.get_visible() and t.get_text().strip()]
