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


def assert_readable_layout(fig) -> None:
    """Every text at least 12 pt, inside the figure and apart from the others; the header and
    footer (gids title, subtitle, footer) clear of every panel and legend."""
    from itertools import combinations

    renderer = fig.canvas.get_renderer()
    texts = texts_of(fig)
    boxes = [t.get_window_extent(renderer) for t in texts]
    for text, box in zip(texts, boxes, strict=True):
        assert text.get_fontsize() >= 12, text.get_text()
        assert fig.bbox.expanded(1.001, 1.001).contains(box.x0, box.y0), text.get_text()
        assert fig.bbox.expanded(1.001, 1.001).contains(box.x1, box.y1), text.get_text()
    for (t1, b1), (t2, b2) in combinations(zip(texts, boxes, strict=True), 2):
        assert not b1.expanded(0.98, 0.9).overlaps(b2.expanded(0.98, 0.9)), (
            t1.get_text(),
            t2.get_text(),
        )
    header_footer = [t for t in fig.texts if t.get_gid() in ("title", "subtitle", "footer")]
    assert {t.get_gid() for t in header_footer} == {"title", "subtitle", "footer"}
    panels = [ax.get_window_extent(renderer) for ax in fig.axes]
    panels += [legend.get_window_extent(renderer) for legend in fig.legends]
    for text in header_footer:
        box = text.get_window_extent(renderer)
        assert not any(box.overlaps(p) for p in panels), text.get_gid()
