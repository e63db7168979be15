"""Board-ready figures: slide-sized, euro axes with thousands separators, provenance footer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from simulation.reporting.labels import format_eur_short, format_number, label

PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6")
SLIDE_SIZE = (11.0, 6.2)  # inches: 16:9 at a readable font size

RC = {
    "font.size": 13,
    "axes.titlesize": 17,
    "axes.titleweight": "bold",
    "axes.labelsize": 14,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
}


@dataclass(frozen=True)
class Provenance:
    """What produced a figure: printed in its footer."""

    config: str
    config_hash: str
    runs: int
    seed: int
    version: str
    day: str = ""

    def footer(self, lang: str) -> str:
        return label(
            "footer",
            lang,
            version=self.version,
            config=self.config,
            hash=self.config_hash,
            runs=format_number(self.runs, lang),
            seed=self.seed,
            date=self.day or date.today().isoformat(),
        )


def _euro_axis(axis, lang: str) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_eur_short(v, lang)))


def _save(fig, out_base: Path, provenance: Provenance, lang: str) -> list[Path]:
    fig.text(
        0.01, 0.005, provenance.footer(lang), fontsize=9, color="#555555", ha="left", va="bottom"
    )
    paths = []
    for suffix in (".png", ".pdf"):
        path = out_base.with_suffix(suffix)
        fig.savefig(path)
        paths.append(path)
    plt.close(fig)
    return paths


def plot_cost_distribution(
    replications: pd.DataFrame,
    scenario_labels: dict[str, str],
    horizon_years: int,
    provenance: Provenance,
    out_base: Path,
    lang: str = "en",
    column: str = "cost_npv_eur",
) -> list[Path]:
    """Overlaid distributions of the NPV cost per scenario, with mean and P95 marked."""
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=SLIDE_SIZE)
        values = replications[column].to_numpy()
        lo, hi = np.nanpercentile(values, [0.5, 99.5])
        pad = 0.05 * (hi - lo or 1.0)
        bins = np.linspace(lo - pad, hi + pad, 50)
        for i, (scenario, title) in enumerate(scenario_labels.items()):
            data = replications.loc[replications["scenario"] == scenario, column].to_numpy()
            if len(data) == 0:
                continue
            color = PALETTE[i % len(PALETTE)]
            ax.hist(
                data,
                bins=bins,
                density=False,
                weights=np.full(len(data), 1 / len(data)),
                histtype="stepfilled",
                alpha=0.25,
                color=color,
            )
            ax.hist(
                data,
                bins=bins,
                weights=np.full(len(data), 1 / len(data)),
                histtype="step",
                linewidth=2,
                color=color,
                label=f"{title}: {label('mean', lang)} {format_eur_short(data.mean(), lang)}, "
                f"{label('p95', lang)} {format_eur_short(np.percentile(data, 95), lang)}",
            )
            ax.axvline(data.mean(), color=color, linewidth=1.5, linestyle="--")
        _euro_axis(ax.xaxis, lang)
        ax.yaxis.set_major_formatter(
            FuncFormatter(
                lambda v, _p: f"{v:.0%}".replace(".", ",") if lang == "de" else f"{v:.0%}"
            )
        )
        ax.set_xlabel(label("cost_npv_axis", lang))
        ax.set_ylabel(label("density_axis", lang))
        ax.set_title(label("cost_npv_title", lang, years=horizon_years), loc="left")
        ax.legend(loc="upper right", frameon=False)
        fig.subplots_adjust(bottom=0.16)
        return _save(fig, out_base, provenance, lang)
