"""Declarative schemas: what a YAML mapping may hold, checked and documented from one declaration.

A `Schema` lists the keys of one kind of mapping (a document's front matter, series.yaml, one
chart of charts.yaml, reader.yaml) as `Field`s: name, kind of value, default, required or not,
allowed values and a one-line meaning. From it come

- the checks: `Schema.check` reports every unknown key, missing key and wrong value of a loaded
  mapping at once, each at its line and column;
- the typed values: `Schema.values` turns a checked mapping into keyword arguments of a frozen
  dataclass, and `Schema.dataclass` makes such a class (`model.Series`);
- the reference: `Schema.reference` writes the Markdown of a page of docs/reference.

The schemas themselves are declared in `report/source/schemas.py`. Rewrite the reference pages with
`python -m report.commands.reference_pages docs/reference`; a test fails when they differ from the schemas.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import Callable

from report.errors import quote

Report = Callable[[str, str, tuple], None]  # (field, message, (line, column or None))


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()  # a field without a default: absent means "not given"


def nearest(key, choices) -> str:
    """'; did you mean …?' for a close key, else the list of known keys."""
    key = str(key)
    close = difflib.get_close_matches(key, sorted(choices), n=1, cutoff=0.6) if len(key) <= 100 else []
    return f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(choices))}"


def brief(value) -> str:
    """A user value for a message: short scalars quoted, containers named."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return quote(value)


def _fine(value) -> tuple[str, ...]:
    return ()


def _same(value):
    return value


@dataclass(frozen=True)
class Kind:
    """A kind of value: its name in the reference, the words of a type error, its checks."""

    name: str  # the reference's type column: "text", "whole number"
    expected: str  # in "must be <expected>, not …"
    accepts: Callable[[object], bool]  # the type check
    meaning: Callable[[object], tuple[str, ...]] = _fine  # once the type is right: what is wrong, if anything
    convert: Callable[[object], object] = _same  # the YAML value as the typed value (lists → tuples)
    annotation: object = object  # the typed value's Python type
    items: "Kind | Schema | None" = None  # a list's items, checked one by one
    values: "Kind | Schema | None" = None  # a mapping's values, checked one by one
    empty: str | None = None  # the message for an empty list, when an empty list is wrong
    keys: "Schema | None" = None  # a mapping of fixed keys, checked against this schema
    entries: Callable[[str, object], tuple[str, ...]] | None = None  # a mapping's (key, value), at the value


@dataclass(frozen=True)
class Field:
    """One key: `Field("cover", BOOL, "a cover page", default=False)`."""

    name: str
    kind: Kind
    doc: str  # one line, for the reference
    default: object = MISSING
    required: bool = False
    choices: tuple = ()  # the allowed values, when only a few are
    attribute: bool = True  # False: read by the loader, not a value of the result (series `extends`)


class Voice:
    """How problems are worded when the problem's field is the key itself (`title: required`)."""

    def unknown(self, key, known) -> str:
        return f"unknown key{nearest(key, known)}"

    def wrong(self, field: Field, kind: Kind, value) -> str:
        return f"must be {kind.expected}, not {quote(value)}"

    def meaning(self, field: Field, message: str) -> str:
        return message

    def missing(self, field: Field) -> str:
        return "required"

    def not_allowed(self, field: Field, value) -> str:
        return f"must be one of: {', '.join(field.choices)}, not {quote(value)}"


class NamingVoice(Voice):
    """The wording when the problem's field is the entry (`chart 'c': 'title' must be …`)."""

    def unknown(self, key, known) -> str:
        return f"unknown key {quote(str(key))}{nearest(key, known)}"

    def wrong(self, field: Field, kind: Kind, value) -> str:
        return f"'{field.name}' must be {kind.expected}, not {brief(value)}"

    def meaning(self, field: Field, message: str) -> str:
        return f"'{field.name}' {message}"

    def missing(self, field: Field) -> str:
        allowed = f"; expected one of: {', '.join(field.choices)}" if field.choices else ""
        return f"missing '{field.name}'{allowed}"

    def not_allowed(self, field: Field, value) -> str:
        return f"unknown {field.name} {quote(value)}; expected one of: {', '.join(field.choices)}"


@dataclass(frozen=True)
class Schema:
    """The keys of one kind of mapping, with what the reference page says around them."""

    file: str  # what it describes: "series.yaml", or the key of a nested mapping ("authors")
    title: str  # the reference page's heading
    fields: tuple[Field, ...]
    intro: str = ""  # Markdown, under the heading
    example: str = ""  # YAML, passes `check`
    notes: str = ""  # Markdown, after the table
    null_is_absent: bool = True  # `key: null` means "not given"; False: null is a wrong value
    voice: Voice = Voice()
    not_mapping: Callable[[object], str] = lambda value: f"must be a mapping, not {quote(value)}"  # nested
    page: str = ""  # the reference file, e.g. series-yaml.md; "" for a nested schema

    def __post_init__(self):
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.file}: a field is declared twice")

    def __getitem__(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    # -- checks -----------------------------------------------------------------------------

    def check(self, data, report: Report, where: tuple, *, prefix: str = "", extra=(),
              required: dict[str, str] | None = None, skip=()) -> None:
        """Report every problem of `data` (a loaded `yamlload.Marked`).

        `where` is the position of the mapping as a whole (a missing key is reported there);
        `prefix` goes before each key in the field (`authors[0].`); `extra` are further keys
        allowed unchecked (a series' `declares`); `required` maps each required key to its
        message, in order (default: the required fields, "required"); the values of the keys in
        `skip` are not checked (placeholders, reported elsewhere)."""
        known = set(self.names) | set(extra)
        for key in data:
            if not isinstance(key, str) or key not in known:
                report(prefix + str(key), self.voice.unknown(key, known), data.key_pos[key])
        if required is None:
            required = {name: self.voice.missing(self[name]) for name in self.required}
        for name, message in required.items():
            if name in data and not self._blank(name, data[name]):
                continue
            if name in data:  # given, but blank: at its key, as precisely as `where`
                line, col = data.key_pos[name]
                pos = (line, None if where[1] is None else col)
            else:
                pos = where
            report(prefix + name, message, pos)
        given = [f for f in self.fields if f.name in data and f.name not in skip
                 and not (data[f.name] is None and self.null_is_absent)
                 and not (f.name in required and self._blank(f.name, data[f.name]))]
        for f in given:
            if not f.choices:
                self._check_value(f, f.kind, data[f.name], prefix + f.name, data.value_pos[f.name], report)
        for f in given:  # allowed values after the types: problems at one line print in the order found
            if f.choices and data[f.name] not in f.choices:
                report(prefix + f.name, self.voice.not_allowed(f, data[f.name]), data.value_pos[f.name])

    def _blank(self, name: str, value) -> bool:
        if value is None:
            return True
        if isinstance(value, str):
            return not value.strip()
        if isinstance(value, list) and not value:  # unless the kind words an empty list itself
            return name not in self.names or self[name].kind.empty is None
        return False

    def _check_value(self, f: Field, kind: Kind, value, label: str, pos: tuple, report: Report) -> None:
        if not kind.accepts(value):
            report(label, self.voice.wrong(f, kind, value), pos)
            return
        problems = (kind.empty,) if kind.empty and isinstance(value, list) and not value else kind.meaning(value)
        for problem in problems:
            report(label, self.voice.meaning(f, problem), pos)
        if problems:
            return
        if kind.keys is not None:
            kind.keys.check(value, report, pos, prefix=label + ".")
        if kind.items is not None:
            for i, item in enumerate(value):
                self._check_part(f, kind.items, item, f"{label}[{i}]", value.item_pos[i], report)
        if kind.values is not None:
            for name, item in value.items():
                self._check_part(f, kind.values, item, f"{label}.{name}", value.value_pos[name], report)
        if kind.entries is not None:
            for name, item in value.items():
                for problem in kind.entries(name, item):
                    report(f"{label}.{name}", self.voice.meaning(f, problem), value.value_pos[name])

    def _check_part(self, f: Field, part, value, label: str, pos: tuple, report: Report) -> None:
        if isinstance(part, Kind):
            self._check_value(f, part, value, label, pos, report)
        elif not isinstance(value, dict):
            report(label, part.not_mapping(value), pos)
        else:
            part.check(value, report, pos, prefix=label + ".")

    # -- typed values -----------------------------------------------------------------------

    def values(self, data, names=None) -> dict:
        """Keyword arguments of the typed value: each field's converted value or its default."""
        result = {}
        for f in self.fields:
            if not f.attribute or (names is not None and f.name not in names):
                continue
            value = data.get(f.name)
            if f.name not in data or (value is None and self.null_is_absent):
                value = f.default
            result[f.name] = None if value is MISSING else f.kind.convert(value)
        return result

    def dataclass(self, name: str, base: type, module: str, doc: str) -> type:
        """A frozen dataclass: the fields of `base`, then one attribute per field, with its default."""
        attrs = [(f.name, f.kind.annotation, _default(f)) for f in self.fields if f.attribute]
        cls = dataclasses.make_dataclass(name, attrs, bases=(base,), frozen=True, namespace={"__doc__": doc})
        cls.__module__ = module
        return cls

    # -- the reference ----------------------------------------------------------------------

    def reference(self, nested: tuple["Schema", ...] = ()) -> str:
        """The Markdown reference page."""
        out = [f"# {self.title}", "", self.intro.strip(), ""]
        if self.example:
            out += ["```yaml", self.example.rstrip("\n"), "```", ""]
        out += _table(self)
        for sub in nested:
            out += [f"## {sub.title}", "", sub.intro.strip(), ""] + _table(sub)
        if self.notes:
            out += [self.notes.strip(), ""]
        return "\n".join(out)


def _default(f: Field):
    value = None if f.default is MISSING else f.kind.convert(f.default)
    if isinstance(value, dict):  # a mapping default is made anew for each value
        return dataclasses.field(default_factory=lambda: dict(value))
    return dataclasses.field(default=value)


def _table(schema: Schema) -> list[str]:
    rows = ["| Key | Type | Default | Meaning |", "| --- | --- | --- | --- |"]
    for f in schema.fields:
        kind = f"one of: {', '.join(f'`{c}`' for c in f.choices)}" if f.choices else f.kind.name
        default = "**required**" if f.required else "—" if f.default is MISSING else f"`{yaml_value(f.default)}`"
        rows.append(f"| `{f.name}` | {kind} | {default} | {f.doc} |".replace("\n", " "))
    return rows + [""]


def yaml_value(value) -> str:
    """A default as it would be written in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return value if value.strip() and value == value.strip() and ":" not in value else f'"{value}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    return str(value)
