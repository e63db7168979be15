"""What fitting takes from a config tree: service ids and names, users, business hours, the
configured values that serve as priors, and the knowledge level the records were made at."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from simulation.config.distributions import Distribution, DistributionSpecError, parse_distribution
from simulation.config.schema import BusinessHours, KnowledgeEffect, StaffPolicy
from simulation.fitting.columns import normalise

Path_ = tuple[str, ...]


def slug(text: str) -> str:
    """A service name as an id: `Service Desk` -> `service_desk`."""
    return re.sub(r"[^a-z0-9]+", "_", normalise(text)).strip("_")


@dataclass(frozen=True)
class ConfigContext:
    """A config tree (merged YAML, as `simulation.config.loader.load_tree` returns it) seen
    from the fitting side; every method works without a tree, with the schema's defaults.

    `users` overrides the users per service: one number for all, or one per service id.
    """

    tree: Mapping[str, Any] | None = None
    users: int | Mapping[str, int] | None = None

    def value(self, path: Path_) -> Any:
        """The raw value at a key path of the tree, or None."""
        node: Any = self.tree
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                return None
            node = node[key]
        return node

    def prior(self, path: Path_) -> Distribution | None:
        """The configured value at `path` as a distribution (a number is a fixed one), or None."""
        raw = self.value(path)
        if raw is None or isinstance(raw, bool) or (isinstance(raw, Mapping) and "dist" not in raw):
            return None
        try:
            return parse_distribution(raw)
        except DistributionSpecError:
            return None

    def service_ids(self) -> list[str]:
        """The services of the config (empty without a tree)."""
        services = self.value(("services",))
        return list(services) if isinstance(services, Mapping) else []

    def ordered(self, ids: Iterable[str]) -> list[str]:
        """Service ids in the config's order, ids the config lacks last (as found)."""
        ids = list(dict.fromkeys(str(i) for i in ids))
        known = [sid for sid in self.service_ids() if sid in ids]
        return known + [sid for sid in ids if sid not in known]

    def resolver(self, overrides: Mapping[str, str | None]):
        """(resolve, known): a function from a service name as written in a file (normalised)
        to a service id, None to leave the row out, KeyError if unknown; and the known ids.

        The caller's `overrides` come first; then a config service's id, its id with spaces,
        its `name` or `name_de`; without a config any name is taken, as an id (`slug`).
        """
        names: dict[str, str] = {}
        for sid in self.service_ids():
            service = self.value(("services", sid)) or {}
            for text in (sid, sid.replace("_", " "), service.get("name"), service.get("name_de")):
                if text:
                    names[normalise(text)] = sid
        ids = self.service_ids()

        def resolve(key: str) -> str | None:
            if key in overrides:
                return overrides[key]
            if key in names:
                return names[key]
            if not ids and slug(key):
                return slug(key)
            raise KeyError(key)

        return resolve, ", ".join(ids) or "any name"

    def users_for(self, sid: str) -> int | None:
        """Users of a service: the `users` given, else the service's `users`, else the
        company's `employees`; None if none is known."""
        if isinstance(self.users, Mapping):
            if sid in self.users:
                return int(self.users[sid])
        elif self.users is not None:
            return int(self.users)
        for path in (("services", sid, "users"), ("company", "employees")):
            value = self.value(path)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        return None

    def business_hours(self) -> BusinessHours:
        """The company's business hours (the schema's default Mon-Fri 08-18 without a tree)."""
        raw = self.value(("company", "business_hours"))
        return BusinessHours.model_validate(raw) if isinstance(raw, Mapping) else BusinessHours()

    def knowledge_factor(self, sid: str, effect: str) -> float | None:
        """How much slower (effort, repair) or more often failing (outage_rate) the in-house team
        is than at full knowledge: 1 + effect x (1 - initial_knowledge), from the config's
        `services.<sid>.knowledge_effect.<effect>` and `staff.initial_knowledge` (their means);
        None without a config (records are then taken as they are)."""
        if self.tree is None:
            return None
        knowledge = self._mean(("staff", "initial_knowledge"), StaffPolicy, "initial_knowledge")
        strength = self._mean(
            ("services", sid, "knowledge_effect", effect), KnowledgeEffect, effect
        )
        return 1.0 + strength * (1.0 - knowledge)

    def provider_knowledge_factor(self, pid: str, sid: str, effect: str) -> float | None:
        """As `knowledge_factor` for provider `pid`'s team on `sid`: the knowledge of its
        contract's team, else of the provider's staff, else the company's `initial_knowledge`."""
        if self.tree is None:
            return None
        paths = [
            ("providers", pid, "contracts", sid, "team", "staff", "initial_knowledge"),
            ("providers", pid, "staff", "initial_knowledge"),
            ("staff", "initial_knowledge"),
        ]
        path = next((p for p in paths if self.value(p) is not None), paths[-1])
        knowledge = self._mean(path, StaffPolicy, "initial_knowledge")
        strength = self._mean(
            ("services", sid, "knowledge_effect", effect), KnowledgeEffect, effect
        )
        return 1.0 + strength * (1.0 - knowledge)

    def _mean(self, path: Path_, model: Any, key: str) -> float:
        dist = self.prior(path)
        if dist is not None:
            return float(dist.mean)
        return float(model.model_fields[key].default)

    def provider_for(self, sid: str, named: str = "") -> str | None:
        """The provider an SLA report of `sid` belongs to: the provider `named` (by id or name)
        if the config has it with a contract for `sid`, else, unnamed, the only provider with
        such a contract; without a config `named` as an id. None if there is none."""
        providers = self.value(("providers",))
        if not isinstance(providers, Mapping):
            return slug(named) or None
        holders = [
            pid
            for pid, provider in providers.items()
            if isinstance(provider, Mapping) and sid in (provider.get("contracts") or {})
        ]
        if not named:
            return holders[0] if len(holders) == 1 else None
        for pid in holders:
            if named in (normalise(pid), slug(pid), normalise(providers[pid].get("name", ""))):
                return pid
            if slug(named) == pid:
                return pid
        return None


def per_service(
    records: Any,
    ctx: ConfigContext,
    settings: Any,
    fit_one: Callable[..., Any],
    entries_of: Callable[..., list[Any]],
) -> tuple[dict[str, Any], list[Any]]:
    """Fit each service of `records` (in the config's order) with `fit_one(sid, frame, records,
    ctx, settings)`; return the fits by id and the fragment entries `entries_of(fit, records,
    ctx, settings)` of them all, in order."""
    fits: dict[str, Any] = {}
    entries: list[Any] = []
    for sid in ctx.ordered(records.frame["service"]):
        frame = records.frame[records.frame["service"] == sid]
        fits[sid] = fit_one(sid, frame, records, ctx, settings)
        entries += entries_of(fits[sid], records, ctx, settings)
    return fits, entries
