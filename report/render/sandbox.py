"""Series templates: Jinja in its sandbox, reading only template files inside the series.

A series comes from a designer, one day from another publisher, so a template is code we did
not write. `SandboxedEnvironment` lets it use the values of its context (attributes, items,
loops, filters) and refuses Python internals (`__globals__`, `__init__`, `mro` …) with a
`SecurityError`, which is reported as a problem in that template at its line. The loader
reads a template as content is read (`contentfile`): a regular file inside its templates
folder, links resolved and checked, size capped.

`problems()` compiles every template of a series, so that `--check` finds a syntax error
without rendering anything; `render_problem()` turns an error raised while rendering into
`path:line: what is wrong`.
"""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from report.source import files
from report.errors import BuildError, ContentError, Problems

MAX_TEMPLATE_BYTES = 1_000_000


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


class _Sandbox(SandboxedEnvironment):
    """Any error in a template (its syntax, an unknown name, what the sandbox refuses, a
    division by zero) leaves as a `ContentError` at the template's file and line."""

    template_dirs: tuple[Path, ...] = ()

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
