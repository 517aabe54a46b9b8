"""The addresses a stylesheet names, as a browser would read them.

tinycss2 (WeasyPrint's own parser) undoes CSS escapes, so `\\75rl(…)` is `url(…)` and
`@\\69mport` is `@import` here, whatever the text looked like. Series stylesheets
(`series/css.py`) and the `<style>` of an SVG picture (`pictures.py`) are both checked through
`addresses`."""

from __future__ import annotations

import tinycss2

# Functions whose argument is an address, and functions whose plain strings are addresses
# (`image-set("a.png" 1x)`): what a browser would fetch. Names as the parser gives them,
# escapes undone (`\\75rl(` is `url(`).
URL_FUNCTIONS = {"url", "src"}
IMAGE_FUNCTIONS = {"image-set", "-webkit-image-set", "image", "-webkit-image", "cross-fade", "-webkit-cross-fade"}
# Inside an image function, a value the browser substitutes could be an address we never saw.
HIDDEN_VALUES = {"var", "attr", "env"}


def parse(text: str) -> list:
    return tinycss2.parse_stylesheet(text, skip_comments=False, skip_whitespace=False)


def _nodes(nodes):
    """Every node of a parsed stylesheet, depth first, with the function it is an argument of."""
    stack = [(node, None) for node in reversed(nodes)]
    while stack:
        node, function = stack.pop()
        yield node, function
        for attr in ("prelude", "content", "arguments"):
            children = getattr(node, attr, None)
            if isinstance(children, list):
                inner = node.lower_name if node.type == "function" else function
                stack.extend((child, inner) for child in reversed(children))


def addresses(rules):
    """(node, address, line, message) for each address a browser would fetch; message, when
    set, is a problem found without an address."""
    for node, function in _nodes(rules):
        kind = node.type
        line = getattr(node, "source_line", None)
        at = node.lower_at_keyword if kind == "at-rule" else node.lower_value if kind == "at-keyword" else None
        if at == "import":  # a rule of the sheet, or written inside a block
            yield node, None, line, "@import is not allowed: a series builds on its parent through 'extends'"
        elif kind == "url":
            yield node, node.value, line, None
        elif kind == "function" and node.lower_name in URL_FUNCTIONS:
            strings = [a for a in node.arguments if a.type not in ("whitespace", "comment")]
            if len(strings) == 1 and strings[0].type == "string":
                yield strings[0], strings[0].value, line, None
            else:
                yield node, None, line, f"{node.lower_name}() must name its file in quotes, as url(\"file.png\")"
        elif kind == "string" and function in IMAGE_FUNCTIONS:
            yield node, node.value, line, None
        elif kind == "function" and function in IMAGE_FUNCTIONS and node.lower_name in HIDDEN_VALUES:
            yield node, None, line, (f"{node.lower_name}() inside {function}() is not allowed: name the picture "
                                     "itself, so that it can be checked")
