"""The page frame of the PDF reports: an A4 landscape page with title, provenance footer, page
number and (for an interrupted run) a red warning; wrapped paragraphs, tables and figures on it.

Every PDF of itsim (the board report, the sensitivity chapter) is composed from these pieces,
so that a page looks the same wherever it comes from.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from simulation.reporting import catalogue, plots

#: A4 landscape in inches.
A4_LANDSCAPE = (11.69, 8.27)

_PAGE_WORD: dict[str, str] = catalogue.entry("pages", "page_number")


def page(ctx: plots.FigureContext, title: str, page_number: int):
    """A new report page: title at the top, provenance footer and page number at the bottom,
    and the run's warning in red at the top right when it did not complete."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=A4_LANDSCAPE)
    fig.text(0.05, 0.93, title, fontsize=20, fontweight="bold", va="top")
    warning = ctx.provenance.warning(ctx.lang)
    colour = plots.WARNING if warning else "#555555"
    fig.text(0.05, 0.03, ctx.provenance.footer(ctx.lang), fontsize=8, color=colour)
    if warning:  # an interrupted run says so at the top of every page
        fig.text(0.95, 0.975, warning, fontsize=11, color=plots.WARNING, ha="right", va="top",
                 fontweight="bold")  # fmt: skip
    number = _PAGE_WORD[ctx.lang].format(n=page_number)
    fig.text(0.95, 0.03, number, fontsize=8, color="#555555", ha="right")
    return fig


def line_height(size: float) -> float:
    """Height of a text line of `size` points, as a fraction of the page height."""
    return size / 72 / A4_LANDSCAPE[1] * 1.45


#: Spaces a line must not break at: inside German amounts ("4,7 Mio. €", "36 Tsd. €").
_GLUED = re.compile(r"(?<=Mio\.|Tsd\.) (?=€)")


def _lines(paragraph: str, width: int) -> list[str]:
    """`paragraph` wrapped to `width` characters, amounts kept on one line."""
    return textwrap.wrap(_GLUED.sub("\u00a0", paragraph), width=width)


def wrapped(fig, x: float, y: float, paragraphs: list[str], width: int = 105, size: float = 12,
            **text_kw) -> float:  # fmt: skip
    """Write paragraphs top-down from (x, y) in figure coordinates; return the next y."""
    for paragraph in paragraphs:
        lines = _lines(paragraph, width)
        fig.text(x, y, "\n".join(lines), fontsize=size, va="top", linespacing=1.45, **text_kw)
        y -= line_height(size) * (len(lines) + 0.8)
    return y


def paragraphs_height(paragraphs: list[str], width: int, size: float) -> float:
    """Height (page fraction) that `wrapped` takes for `paragraphs`."""
    lines = [len(_lines(p, width)) + 0.8 for p in paragraphs]
    return line_height(size) * sum(lines)


def table(fig, rect, cells: list[list[str]], header: list[str], col_widths=None, size=10, **kw):
    """A table in `rect` (figure coordinates) with a bold header row; rows whose index is in
    `sections` are bold, shaded section headings."""
    sections = set(kw.get("sections", ()))
    ax = fig.add_axes(rect)
    ax.axis("off")
    result = ax.table(
        cellText=cells,
        colLabels=header,
        loc="upper left",
        cellLoc="left",
        colLoc="left",
        colWidths=col_widths,
    )
    result.auto_set_font_size(False)
    result.set_fontsize(size)
    result.scale(1, kw.get("row_scale", 1.35))
    for (row, _), cell in result.get_celld().items():
        cell.set_edgecolor("#cccccc")
        if row == 0 or row - 1 in sections:
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#e8eef5" if row == 0 else "#f4f4f4")
    return result


def table_height(rows: int, row_scale: float) -> float:
    """Height (page fraction) of a `table` of `rows` rows plus its header: matplotlib sizes
    table rows by its default font size (10 pt), whatever font size is set."""
    return (rows + 1) * 10 * 1.2 * row_scale / 72 / A4_LANDSCAPE[1]


#: Pixels per inch of a figure placed on a PDF page: print quality at any slide size.
PAGE_IMAGE_DPI = 250


def image(fig, png: Path, rect: tuple[float, float, float, float]) -> None:
    """A figure's PNG in `rect` (figure coordinates), aspect kept, no axes.

    The PNG is scaled once, with a Lanczos filter, to `PAGE_IMAGE_DPI` at the size it takes on
    the page, and embedded as 8-bit RGB without resampling by matplotlib. The PDF backend keeps
    every page's image until the file closes, and its own resampling works in floating point:
    a 4000-pixel PNG cost about 75 MB a page and a transient of several hundred MB."""
    import numpy as np
    from PIL import Image

    ax = fig.add_axes(rect)
    width_in = rect[2] * fig.get_figwidth()
    height_in = rect[3] * fig.get_figheight()
    with Image.open(png) as picture:
        rgb = picture.convert("RGB")
    scale = min(width_in / rgb.width, height_in / rgb.height) * PAGE_IMAGE_DPI
    if scale < 1:
        size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    ax.imshow(np.asarray(rgb), interpolation="none")
    ax.axis("off")


def png_of(result: plots.FigureResult) -> Path:
    """The PNG file of a drawn figure."""
    return next(p for p in result.paths if p.suffix == ".png")


def fit_title(fig):
    """Shrink the page title (the first text of `page`) until it fits the page width."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    title = fig.texts[0]
    renderer = FigureCanvasAgg(fig).get_renderer()
    room = 0.9 * fig.bbox.width
    while title.get_window_extent(renderer).width > room and title.get_fontsize() > 12:
        title.set_fontsize(title.get_fontsize() - 1)
    return fig
