"""Load YAML configs safely, resolve `extends` by deep merge, validate into an Experiment."""

from __future__ import annotations

import difflib
import hashlib
import json
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from simulation.config.schema import ConfigValueError, Experiment, _expectation
from simulation.config.yamlio import read_yaml
from simulation.errors import NO_VALUE, ConfigError

Origins = dict[tuple[str, ...], str]


def deep_merge(
    base: dict[str, Any], override: dict[str, Any], origins: Origins, file: str, prefix=()
) -> dict[str, Any]:
    """Merge `override` into a copy of `base`: mappings merge key by key, other values replace.

    A key set to null in the override removes a mapping entry of the base (e.g. a scenario). A
    distribution spec (a mapping with `dist`) replaces the base's value as a whole. `origins`
    records, for every key path, the file that last set it or anything inside it.
    """
    merged = dict(base)
    for key, value in override.items():
        path = (*prefix, str(key))
        if value is None and isinstance(base.get(key), dict):
            merged.pop(key, None)
            origins[path] = file
            continue
        if isinstance(value, dict) and isinstance(base.get(key), dict) and "dist" not in value:
            merged[key] = deep_merge(base[key], value, origins, file, path)
        else:
            merged[key] = value
            _mark(origins, path, value, file)
    origins[prefix] = file
    return merged


def _mark(origins: Origins, path: tuple[str, ...], value: Any, file: str) -> None:
    origins[path] = file
    if isinstance(value, dict):
        for key, sub in value.items():
            _mark(origins, (*path, str(key)), sub, file)


#: Longest chain of `extends` (a config extends a base that extends another ...).
MAX_EXTENDS_DEPTH = 8
YAML_SUFFIXES = (".yaml", ".yml")


def load_tree(path: str | Path, _seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], Origins]:
    """Read a config and everything it extends; return the merged tree and each key's file.

    A base named by `extends` must be a YAML file (.yaml/.yml) that exists: `extends` cannot
    make itsim read anything but the config files the user names.
    """
    path = Path(path)
    resolved = path.resolve()
    if resolved in _seen:
        chain = " -> ".join(str(p) for p in (*_seen, resolved))
        raise ConfigError(str(path), "extends", str(path), f"no cycle of extends ({chain})")
    if len(_seen) > MAX_EXTENDS_DEPTH:
        raise ConfigError(str(path), "extends", NO_VALUE, f"at most {MAX_EXTENDS_DEPTH} levels")
    data = read_yaml(path)
    tree: dict[str, Any] = {}
    origins: Origins = {}
    for base in _bases(path, data.pop("extends", None)):
        base_path = _base_path(path, base)
        base_tree, base_origins = load_tree(base_path, (*_seen, resolved))
        origins.update(base_origins)
        tree = deep_merge(tree, base_tree, origins, str(base_path))
        origins.update(base_origins)
    tree = deep_merge(tree, data, origins, str(path))
    return tree, origins


def _bases(path: Path, extends: Any) -> list[str]:
    if extends is None:
        return []
    if isinstance(extends, str):
        return [extends]
    if isinstance(extends, list) and extends and all(isinstance(b, str) for b in extends):
        return extends
    raise ConfigError(str(path), "extends", extends, "a file name or a list of file names")


def _base_path(path: Path, base: str) -> Path:
    """The file a config's `extends` names, checked: an existing YAML file, taken literally
    (relative to the config's folder; no globbing, `~` or variables)."""
    base_path = Path(base) if Path(base).is_absolute() else path.parent / base
    if base_path.suffix.lower() not in YAML_SUFFIXES:
        raise ConfigError(str(path), "extends", base, "a YAML file (.yaml or .yml)")
    if not base_path.is_file():
        raise ConfigError(str(path), "extends", base, f"an existing file ({base_path})")
    return base_path


def _file_for(loc: tuple[str, ...], origins: Origins, default: str) -> str:
    for n in range(len(loc), -1, -1):
        file = origins.get(loc[:n])
        if file is not None:
            return file
    return default


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that owns the mapping at `loc` (for 'did you mean' hints)."""
    current: Any = Experiment
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
        current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated so that a field's model or dict type shows."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _config_error(exc: ValidationError, origins: Origins, file: str) -> ConfigError:
    errors = exc.errors()
    first = errors[0]
    loc = tuple(str(part) for part in first["loc"])
    value = first.get("input", NO_VALUE)
    ctx = first.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, ConfigValueError):
        loc = loc + tuple(p for p in inner.subpath.split(".") if p)
        value = inner.value
        expected = inner.expected
    elif first["type"] == "extra_forbidden":
        model = _model_at(loc[:-1])
        known = list(model.model_fields) if model else []
        close = difflib.get_close_matches(loc[-1], known, n=1, cutoff=0.6)
        expected = "a known key" + (f"; did you mean '{close[0]}'?" if close else "")
        if known and not close:
            expected += f" (one of {', '.join(known)})"
        value = loc[-1]
        return ConfigError(
            _file_for(loc, origins, file),
            ".".join(loc),
            NO_VALUE,
            f"unknown key '{loc[-1]}' — expected {expected}",
        )
    elif first["type"] == "missing":
        return ConfigError(
            _file_for(loc[:-1], origins, file), ".".join(loc), NO_VALUE, "required key is missing"
        )
    else:
        expected = _expectation(first)
    more = len(errors) - 1
    if more:
        expected += f" (and {more} more error{'s' if more > 1 else ''})"
    return ConfigError(_file_for(loc, origins, file), ".".join(loc), value, expected)


def load_config(path: str | Path) -> tuple[Experiment, dict[str, Any]]:
    """Load, merge and validate a config file; return the Experiment and the merged YAML tree.

    Raises ConfigError with a one-line message naming file, key path, value and expectation.
    """
    tree, origins = load_tree(path)
    try:
        experiment = Experiment.model_validate(tree)
    except ValidationError as exc:
        raise _config_error(exc, origins, str(path)) from None
    _check_sensitivity(experiment, origins, str(path))
    _check_variants(experiment, tree, str(path))
    return experiment, tree


def load_experiment(path: str | Path) -> Experiment:
    """Load, merge and validate a config file into an immutable Experiment (see load_config)."""
    return load_config(path)[0]


def experiment_from_dict(tree: dict[str, Any], source: str = "<dict>") -> Experiment:
    """Validate an in-memory config tree (notebooks, tests) with the same checks and messages."""
    try:
        experiment = Experiment.model_validate(tree)
    except ValidationError as exc:
        raise _config_error(exc, {}, source) from None
    _check_sensitivity(experiment, {}, source)
    _check_variants(experiment, tree, source)
    return experiment


def _check_sensitivity(experiment: Experiment, origins: Origins, file: str) -> None:
    """Parameter paths named in the `sensitivity` section must exist in its scenarios."""
    from simulation.config.scenario import sensitivity_problem

    problem = sensitivity_problem(experiment)
    if problem is not None:
        key, value, expected = problem
        raise ConfigError(_file_for(tuple(key.split(".")), origins, file), key, value, expected)


def _check_variants(experiment: Experiment, tree: dict[str, Any], file: str) -> None:
    """Every structural variant of the `sensitivity` section must give a valid config."""
    settings = experiment.sensitivity
    if settings is not None and settings.structural is not None:
        from simulation.config.variants import variant_experiments

        variant_experiments(tree, settings.structural, file)


def config_hash(tree: dict[str, Any]) -> str:
    """A stable short hash of a resolved config tree (provenance in results and plot footers)."""
    text = json.dumps(tree, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]
