"""Series templates: Jinja in its sandbox, reading only template files inside the series.

A series comes from a designer, one day from another publisher, so a template is code we did
not write. `SandboxedEnvironment` lets it use the values of its context (attributes, items,
loops, filters) and refuses Python internals (`__globals__`, `__init__`, `mro` …) with a
`SecurityError`, which is reported as a problem in that template at its line. The loader
reads a template as content is read (`contentfile`): a regular file inside its templates
folder, links resolved and checked, size capped.

A template is given plain values only (`plain()`: no `Path` to read or write a file through),
and `render()` bounds what one render may do: loop rounds, calls, the size of each value it
makes, format widths, the size of its page and its time (the MAX_ numbers below); past a bound
it stops with an error at the template's line.

`problems()` compiles every template of a series, so that `--check` finds a syntax error
without rendering anything; `render_problem()` turns an error raised while rendering into
`path:line: what is wrong`.
"""

from __future__ import annotations

import contextvars
import dataclasses
import os
import re
import string
import time
import traceback
from collections.abc import Mapping
from functools import wraps
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from report.source import files
from report.cache import memo
from report.errors import BuildError, ContentError, Problems

MAX_TEMPLATE_BYTES = files.MAX_TEMPLATE_BYTES
# What one render of a template may do (docs/reference/errors-and-safety.md): a template is
# code we did not write, and `--check` renders it too.
MAX_ROUNDS = 10_000  # rounds of all its loops together, and the numbers a `range()` may give
MAX_CALLS = 100_000  # calls of functions, macros and methods
MAX_TEXT = 1_000_000  # characters (or items) of one value it makes: `'x' * n`, `a ~ b`, a filter's result
MAX_WIDTH = 1_000  # a width or precision in a format: `'{:>20}'.format(x)`, `'%5d' % n`
MAX_NUMBER_BITS = 100_000  # an integer it computes with `*` or `**` (about 30,000 digits)
MAX_OUTPUT = 10_000_000  # characters of the page it writes
MAX_SECONDS = 30  # of one render, whatever the rest allows


# What a template may hold: values, never objects whose methods reach the world (a `Path`'s
# `read_text`, `write_text` …). `plain()` copies the context into these.
PLAIN = (str, int, float, bool, type(None))


def plain(value, _made: dict | None = None):
    """A copy of `value` a template may hold: text, numbers, truth values, None, tuples, dicts and
    frozen records of them. A `Path` becomes its text; bytes (a chart's SVG) are decoded; a record
    becomes a frozen record of its fields and properties (`publisher.logo_src`), without its
    methods. Records whose methods only compute words (`Labels`) keep their class, as a copy.
    `_made`: the copies made so far in one render, by the original's id: a value the context
    holds twice (the series, in `ctx` and on its own) is copied once."""
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    made = {} if _made is None else _made
    if id(value) in made:
        return made[id(value)][1]
    if isinstance(value, (tuple, list)):
        copy = tuple(plain(v, made) for v in value)
    elif isinstance(value, Mapping):
        copy = {plain(k, made): plain(v, made) for k, v in value.items()}
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        if getattr(type(value), "template_safe", False):  # a copy: a template may change its dicts
            copy = type(value)(**{f.name: plain(getattr(value, f.name), made) for f in dataclasses.fields(value)})
        else:
            cls = _record(type(value))
            copy = cls(**{name: plain(getattr(value, name), made) for name in cls.__dataclass_fields__})
    else:
        raise TypeError(f"a {type(value).__name__} cannot be given to a template")
    made[id(value)] = (value, copy)  # the original kept alive with its copy: its id stays its own
    return copy


@memo(maxsize=None)
def _record(cls: type) -> type:
    """A frozen record of the same name with `cls`'s fields and properties as fields."""
    names = [f.name for f in dataclasses.fields(cls)]
    names += [name for klass in cls.__mro__ for name, member in vars(klass).items()
              if isinstance(member, property) and not name.startswith("_") and name not in names]
    record = dataclasses.make_dataclass(cls.__name__, list(dict.fromkeys(names)), frozen=True)
    record.__module__, record.__qualname__ = cls.__module__, cls.__qualname__  # messages name the model's class
    return record


class SeriesLoader(jinja2.BaseLoader):
    """Templates from folders, each file checked as a content file of its folder."""

    def __init__(self, folders: tuple[Path, ...]):
        self.folders = tuple(Path(f) for f in folders)

    def get_source(self, environment, template):
        pieces = split_template_path(template)  # refuses '..'
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            try:
                data = files.read(path, folder, MAX_TEMPLATE_BYTES, "the series folder")
            except files.Refused as exc:
                raise jinja2.TemplateError(f"{path}: {exc}") from None
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError:
                raise jinja2.TemplateError(f"{path}: not UTF-8 text; save the template as UTF-8") from None
            mtime = os.stat(path).st_mtime_ns
            return source, str(path), lambda: os.path.exists(path) and os.stat(path).st_mtime_ns == mtime
        raise jinja2.TemplateNotFound(template)

    def list_templates(self):
        found = set()
        for folder in self.folders:
            for path in folder.rglob("*.html"):
                found.add(path.relative_to(folder).as_posix())
        return sorted(found)


class Limit(jinja2.TemplateRuntimeError):
    """A template went past one of the bounds above; reported at its line in these words."""


class _Budget:
    """The loop rounds and calls one render has left, and its deadline."""

    def __init__(self):
        self.rounds = self.calls = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def round(self) -> None:
        self.rounds += 1
        if self.rounds > MAX_ROUNDS:
            raise Limit(f"the template made more than {MAX_ROUNDS:,} loop rounds")
        self.clock()

    def call(self) -> None:
        self.calls += 1
        if self.calls > MAX_CALLS:
            raise Limit(f"the template made more than {MAX_CALLS:,} calls")
        self.clock()

    def clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise Limit(f"the template took more than {MAX_SECONDS} seconds")


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("template_budget", default=None)


def _current() -> _Budget:
    budget = _budget.get()
    if budget is None:  # a template rendered other than through render(): bounded all the same
        budget = _Budget()
        _budget.set(budget)
    return budget


def _rounds(iterable):
    """Every `{% for %}` loops through this (see `_Sandbox._parse`): each round counts."""
    budget = _current()
    for item in iterable:
        budget.round()
        yield item


def _range(*args) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_ROUNDS:
        raise Limit(f"range() of {len(numbers):,} numbers; at most {MAX_ROUNDS:,}")
    return numbers


def _sized(value):
    """`value`, unless it is text or a collection past MAX_TEXT, or an integer past MAX_NUMBER_BITS."""
    if isinstance(value, (str, list, tuple, dict)) and len(value) > MAX_TEXT:
        raise Limit(f"the template made a value of {len(value):,} characters or items; at most {MAX_TEXT:,}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_NUMBER_BITS:
        raise Limit(f"the template made a number of more than {MAX_NUMBER_BITS:,} bits")
    return value


def _check_size_args(args, kwargs) -> None:
    """A width, count or length passed to a filter or a text method is at most MAX_TEXT."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_TEXT:
            raise Limit(f"a width or count of {value:,} in a template; at most {MAX_TEXT:,}")


def _check_format(text: str) -> None:
    """`'{:>3000000000}'.format(1)`: widths and precisions in a `str.format` string, at most MAX_WIDTH."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise Limit(f"format string {text[:40]!r}: {exc}") from None
    for _, _, spec, _ in fields:
        if spec and "{" in spec:
            raise Limit("a width taken from a value ('{:>{}}') is not allowed in a template")
        for digits in re.findall(r"\d+", spec or ""):
            if int(digits) > MAX_WIDTH:
                raise Limit(f"a format width of {int(digits):,}; at most {MAX_WIDTH:,}")


_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def _check_percent(text: str) -> None:
    """`'%3000000000d' % 1`: the same for `%` formats."""
    for match in _PERCENT.finditer(text):
        for part in match.groups():
            if part == "*":
                raise Limit("a width taken from a value ('%*d') is not allowed in a template")
            if part and int(part) > MAX_WIDTH:
                raise Limit(f"a format width of {int(part):,}; at most {MAX_WIDTH:,}")


def _bounded_filter(function):
    @wraps(function)  # keeps Jinja's pass_context/pass_eval_context marks
    def bounded(*args, **kwargs):
        value = 1 if getattr(function, "jinja_pass_arg", None) is None else 2  # after a context argument
        _check_size_args(args[value:], kwargs)
        if function is jinja2.filters.do_format and isinstance(args[0], str):
            _check_percent(args[0])  # `"%5d" | format(n)`
        return _sized(function(*args, **kwargs))
    return bounded


def _mul(left, right):
    if isinstance(left, (str, list, tuple)) or isinstance(right, (str, list, tuple)):
        sequence, times = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
        if isinstance(times, int) and len(sequence) * times > MAX_TEXT:
            raise Limit(f"the template made a value of {len(sequence) * times:,} characters or items; "
                        f"at most {MAX_TEXT:,}")
    elif isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_NUMBER_BITS:
        raise Limit(f"the template made a number of more than {MAX_NUMBER_BITS:,} bits")
    return left * right


def _power(left, right):
    if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0 \
            and left.bit_length() * right > MAX_NUMBER_BITS:
        raise Limit(f"the template made a number of more than {MAX_NUMBER_BITS:,} bits")
    return left ** right


def _percent(left, right):
    if isinstance(left, str):
        _check_percent(left)
    return _sized(left % right)


class _Generator(CodeGenerator):
    """Jinja's code, with each `a ~ b` made through `environment.joined`, which checks its size."""

    def visit_Concat(self, node, frame) -> None:
        self.write("environment.joined(")
        super().visit_Concat(node, frame)
        self.write(")")


class _Sandbox(SandboxedEnvironment):
    """Any error in a template (its syntax, an unknown name, what the sandbox refuses, a
    division by zero, a bound above) leaves as a `ContentError` at the template's file and line."""

    template_dirs: tuple[Path, ...] = ()
    code_generator_class = _Generator
    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.globals["range"] = _range
        del self.globals["lipsum"]  # up to millions of words of filler: nothing a publication prints
        self.filters = {name: _bounded_filter(f) for name, f in self.filters.items()}
        self.filters["loop_rounds"] = _rounds
        self.binop_table.update({"*": _mul, "**": _power, "%": _percent})

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):  # every loop counts its rounds
            loop.iter = nodes.Filter(loop.iter, "loop_rounds", [], [], None, None, lineno=loop.iter.lineno)
        return tree

    def joined(self, value):
        return _sized(value)

    def call(__self, __context, __obj, *args, **kwargs):
        _current().call()
        name = getattr(__obj, "__name__", "")
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, str):  # a text method: its widths and the size of what it makes
            if name in ("format", "format_map"):
                _check_format(owner)
            _check_size_args(args, kwargs)
            if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
                old, new = args[0], args[1]
                grown = len(owner) + (owner.count(old) if old else len(owner) + 1) * (len(new) - len(old))
                if grown > MAX_TEXT:
                    raise Limit(f"the template made a value of {grown:,} characters; at most {MAX_TEXT:,}")
            elif name == "join" and args and isinstance(args[0], (list, tuple)):
                grown = sum(len(x) for x in args[0] if isinstance(x, str)) + len(owner) * len(args[0])
                if grown > MAX_TEXT:
                    raise Limit(f"the template made a value of {grown:,} characters; at most {MAX_TEXT:,}")
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def handle_exception(self, source=None):
        try:
            super().handle_exception(source)  # raises, with the traceback rewritten to template lines
        except (ContentError, BuildError):
            raise
        except Exception as exc:
            raise render_problem(exc, self.template_dirs) from None


def environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    base = template_dirs[-1]
    loader = jinja2.ChoiceLoader([
        SeriesLoader(template_dirs),
        # `{% extends "base/document.html" %}` reaches the base template from an override.
        jinja2.PrefixLoader({"base": SeriesLoader((base,))}),
    ])
    env = _Sandbox(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.template_dirs = tuple(template_dirs)
    return env


def render(env: jinja2.Environment, name: str, **values) -> str:
    """Template `name` filled with `values`, each given as `plain()` values, within the bounds
    above: its loop rounds, calls, values and output are counted as it runs."""
    template = env.get_template(name)
    token = _budget.set(_Budget())
    try:
        chunks, size = [], 0
        made: dict = {}  # one copy of each value, however often the context holds it
        for chunk in template.generate(**{key: plain(value, made) for key, value in values.items()}):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise ContentError(template.filename or name,
                                   f"the template wrote more than {MAX_OUTPUT:,} characters")
            chunks.append(chunk)
        return "".join(chunks)
    finally:
        _budget.reset(token)


def problems(env: jinja2.Environment, template_dirs: tuple[Path, ...], main: str, found: Problems) -> None:
    """Compile the main template and every template of the series' own folders; add each fault."""
    names = [main] + [n for n in SeriesLoader(template_dirs[:-1]).list_templates() if n != main]
    for name in names:
        try:
            env.get_template(name)
        except ContentError as exc:  # a syntax error, at its line (see _Sandbox)
            found.append(exc)
        except jinja2.TemplateSyntaxError as exc:
            found.add(exc.filename or name, f"template syntax: {exc.message}", exc.lineno)
        except jinja2.TemplateNotFound as exc:
            found.add(_where(template_dirs), f"template {exc.name!r} not found (used by {name})")
        except jinja2.TemplateError as exc:
            found.add(_where(template_dirs), str(exc))


def _where(template_dirs) -> str:
    return str(template_dirs[0])


def render_problem(exc: Exception, template_dirs: tuple[Path, ...]) -> ContentError:
    """A template error raised while rendering, located at the template line that raised it."""
    path, line = str(template_dirs[0]), None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith(".html") and os.path.exists(filename):
            path, line = filename, lineno  # Jinja rewrites its frames to the template's lines
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ContentError(exc.filename or path, f"template syntax: {exc.message}", exc.lineno)
    if isinstance(exc, jinja2.TemplateNotFound):
        return ContentError(path, f"template {exc.name!r} not found", line)
    if isinstance(exc, Limit):
        return ContentError(path, str(exc), line)
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return ContentError(path, f"not allowed in a template: {exc}", line)
    if isinstance(exc, jinja2.TemplateError):
        return ContentError(path, f"template error: {exc}", line)
    return ContentError(path, f"template error: {type(exc).__name__}: {exc}", line)


def template_ids(template_dirs: tuple[Path, ...]) -> frozenset[str]:
    """The literal ids in a series' templates: a heading's anchor must not take one."""
    found = set()
    for folder in template_dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            try:
                text = files.read(path, folder, MAX_TEMPLATE_BYTES, "the series folder").decode("utf-8", "replace")
            except files.Refused:
                continue  # reported by problems()
            found.update(re.findall(r'\bid="([A-Za-z][\w-]*)"', text))
    return frozenset(found)
