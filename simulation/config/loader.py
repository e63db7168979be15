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


def _config_error(
    exc: ValidationError, origins: Origins, file: str, tree: Any = None
) -> ConfigError:
    """Every mistake pydantic found, one line each, in key-path order.

    The order is pydantic's: sections and keys in the schema's order (that of configs/default.yaml
    and the README's table of defaults), entries of a mapping in the file's order, unknown keys of
    a mapping after its known ones; a mapping's own checks (e.g. shares summing to 1) run only
    when its keys are valid. Where a key takes one of several forms (`roles: auto` or a mapping)
    the line names the form the value was meant to have; a misspelt required key gives one line
    (the unknown key, with the key it is close to), not also one for the key it lacks.
    """
    located = _without_union_tags(exc.errors(), tree)
    meant = {(*loc[:-1], key) for e, loc in located if (key := _meant_key(e, loc))}
    return ConfigError.collected(
        [
            _one_error(e, loc, origins, file)
            for e, loc in located
            if not (e["type"] == "missing" and loc in meant)  # a typo: one line, not two
        ]
    )


def _meant_key(error: Any, loc: tuple[str, ...]) -> str | None:
    """The known key an unknown key is close to (the key the user meant to write), if any."""
    if error["type"] != "extra_forbidden":
        return None
    model = _model_at(loc[:-1])
    close = difflib.get_close_matches(
        loc[-1], list(model.model_fields) if model else [], n=1, cutoff=0.6
    )
    return close[0] if close else None


def _one_error(error: Any, loc: tuple[str, ...], origins: Origins, file: str) -> ConfigError:
    """One pydantic error as a ConfigError naming file, key path, value and expectation."""
    value = error.get("input", NO_VALUE)
    ctx = error.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, ConfigValueError):
        loc = loc + tuple(p for p in inner.subpath.split(".") if p)
        value = inner.value
        expected = inner.expected
    elif error["type"] == "extra_forbidden":
        model = _model_at(loc[:-1])
        known = list(model.model_fields) if model else []
        close = difflib.get_close_matches(loc[-1], known, n=1, cutoff=0.6)
        expected = "a known key" + (f"; did you mean '{close[0]}'?" if close else "")
        if known and not close:
            expected += f" (one of {', '.join(known)})"
        return ConfigError(
            _file_for(loc, origins, file),
            ".".join(loc),
            NO_VALUE,
            f"unknown key '{loc[-1]}' — expected {expected}",
        )
    elif error["type"] == "missing":
        return ConfigError(
            _file_for(loc[:-1], origins, file), ".".join(loc), NO_VALUE, "required key is missing"
        )
    else:
        expected = error.get("_expected") or _expectation(error)
    return ConfigError(_file_for(loc, origins, file), ".".join(loc), value, expected)


#: Errors whose last key path part names a key that is absent from the input.
_KEY_ERRORS = ("missing", "extra_forbidden")


def _without_union_tags(errors: list[Any], tree: Any) -> list[tuple[Any, tuple[str, ...]]]:
    """Each error with its key path in the config, without pydantic's union-branch tags.

    A value that may take several forms (`roles: auto` or a mapping of headcounts) gives one
    error per form, under a tag such as `dict[str,constrained-int]` that is no key of the
    config. When the value went deeper into one form (a mapping with a bad headcount), only that
    form's errors are kept; when it fits no form at all, the forms' expectations become one line
    ("a valid dictionary or 'auto'").
    """
    located: list[tuple[Any, tuple[str, ...], tuple[str, ...] | None]] = []
    for error in errors:
        loc, branch_at = _config_path(error, tree)
        located.append((error, loc, branch_at))
    deeper = {at for _, loc, at in located if at is not None and len(loc) > len(at)}
    out: list[tuple[Any, tuple[str, ...]]] = []
    merged: dict[tuple[str, ...], dict[str, Any]] = {}
    for error, loc, at in located:
        if at is None:
            out.append((error, loc))
        elif at in deeper:
            if len(loc) > len(at):
                out.append((error, loc))
        elif at in merged:
            first = merged[at]
            first["_expected"] = f"{first['_expected']} or {_expectation(error)}"
        else:
            first = dict(error, _expected=_expectation(error))
            merged[at] = first
            out.append((first, loc))
    return out


def _has(node: Any, part: Any) -> bool:
    """Whether the mapping or list `node` has the key or index `part`."""
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node)


def _config_path(error: Any, tree: Any) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """The error's key path in the config tree, and where a union-branch tag was dropped."""
    if tree is None:
        return tuple(str(part) for part in error["loc"]), None
    loc: list[str] = []
    branch_at: tuple[str, ...] | None = None
    node: Any = tree
    parts = error["loc"]
    for i, part in enumerate(parts):
        if _has(node, part):
            node = node[part]
        elif i == len(parts) - 1 and error["type"] in _KEY_ERRORS:
            pass  # a key the config lacks or should not have
        else:  # a tag of pydantic's: which form of a union the value was checked against
            branch_at = tuple(loc) if branch_at is None else branch_at
            continue
        loc.append(str(part))
    return tuple(loc), branch_at


def load_config(path: str | Path) -> tuple[Experiment, dict[str, Any]]:
    """Load, merge and validate a config file; return the Experiment and the merged YAML tree.

    Raises ConfigError with one line per mistake naming file, key path, value and expectation
    (every mistake of the schema at once; the checks across sections then report alone).
    """
    tree, origins = load_tree(path)
    try:
        experiment = Experiment.model_validate(tree)
    except ValidationError as exc:
        raise _config_error(exc, origins, str(path), tree) from None
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
        raise _config_error(exc, {}, source, tree) from None
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
