"""Safe YAML loading that remembers where every value came from.

Mappings load as `Marked` dicts and sequences as `MarkedList`s that carry the (line, column)
of each entry, so that checks can say `document.md:7:3: authors[0].name: required`.
Only the safe tags are known (no Python objects); aliases are allowed but the expanded size of
the document is bounded, so a "billion laughs" file fails fast instead of eating memory.
"""

from __future__ import annotations

import unicodedata

import yaml

from report.errors import ContentError, cut, quote

MAX_NODES = 100_000
PLAIN = "use plain values only (text, numbers, true/false, lists and mappings)"


class Marked(dict):
    """A mapping with the position of itself, each key and each value (1-based)."""

    pos: tuple[int, int] = (1, 1)
    key_pos: dict
    value_pos: dict


class MarkedList(list):
    pos: tuple[int, int] = (1, 1)
    item_pos: list


def _pos(mark, line_offset: int) -> tuple[int, int]:
    return (mark.line + 1 + line_offset, mark.column + 1)


KINDS = {"int": "a whole number", "float": "a number", "bool": "true or false",
         "map": "a mapping", "seq": "a list", "str": "text", "null": "empty"}


class _Loader(yaml.SafeLoader):
    line_offset = 0

    def construct_document(self, node):
        _check_size(node)
        try:
            return super().construct_document(node)
        except _CONSTRUCTOR_BUGS as exc:
            raise _bad_value(node) from exc

    def construct_object(self, node, deep=False):
        # PyYAML's own constructors raise ValueError, IndexError … on values such as `0x_`,
        # `!!int ''` or `!!map [1]`: report them by position, like any other YAML problem.
        try:
            return super().construct_object(node, deep)
        except _CONSTRUCTOR_BUGS as exc:
            raise _bad_value(node) from exc

    def construct_yaml_map(self, node):
        data = Marked()
        data.pos = _pos(node.start_mark, self.line_offset)
        data.key_pos, data.value_pos = {}, {}
        yield data
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain value, not a list or mapping",
                    key_node.start_mark)
            if key in data:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {quote(key)}", key_node.start_mark)
            data[key] = self.construct_object(value_node, deep=True)
            data.key_pos[key] = _pos(key_node.start_mark, self.line_offset)
            data.value_pos[key] = _pos(value_node.start_mark, self.line_offset)

    def construct_yaml_seq(self, node):
        data = MarkedList()
        data.pos = _pos(node.start_mark, self.line_offset)
        data.item_pos = [_pos(n.start_mark, self.line_offset) for n in node.value]
        yield data
        data.extend(self.construct_sequence(node, deep=True))

    def construct_undefined(self, node):
        """`!!python/object`, `!custom` and the like: never a Python object, never a silent None."""
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise yaml.constructor.ConstructorError(
            None, None, f"the tag {quote(tag)} is not allowed; {PLAIN}", node.start_mark)


    def construct_yaml_str(self, node):
        """Text without control characters: an escape such as "\\e" or "\\x07" makes one that the
        reader, which checks the file's own characters, never sees."""
        value = super().construct_yaml_str(node)
        bad = next((c for c in value if c not in "\t\n" and unicodedata.category(c) == "Cc"), None)
        if bad is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"the character U+{ord(bad):04X} (a control character) is not allowed; remove it",
                node.start_mark)
        return value


_CONSTRUCTOR_BUGS = (ValueError, IndexError, KeyError, TypeError, AttributeError)


def _bad_value(node) -> yaml.constructor.ConstructorError:
    kind = KINDS.get(node.tag.rsplit(":", 1)[-1], node.tag)
    what = quote(node.value) if isinstance(node, yaml.ScalarNode) else "this value"
    return yaml.constructor.ConstructorError(None, None, f"{what} cannot be read as {kind}", node.start_mark)


_Loader.add_constructor("tag:yaml.org,2002:str", _Loader.construct_yaml_str)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_seq)
# Dates stay strings: the checks parse them and report a bad one by its position.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)
# Bytes, sets and ordered pairs are no value of a document: refuse them like unknown tags.
for _tag in ("binary", "set", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _Loader.construct_undefined)
_Loader.add_constructor(None, _Loader.construct_undefined)


def _check_size(root) -> None:
    """Refuse documents whose aliases expand to more than MAX_NODES nodes."""
    sizes: dict[int, int] = {}

    aliased = [False]

    def size(node) -> int:
        key = id(node)
        if key in sizes:
            aliased[0] = True  # a node met twice: an alias
            return sizes[key]
        sizes[key] = 1  # a recursive alias counts once, then stops here
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(v) for v in node.value)
        if total > MAX_NODES:
            why = "(too many aliases)" if aliased[0] else "(split it, or shorten it)"
            raise yaml.constructor.ConstructorError(
                None, None,
                f"the document {'expands to' if aliased[0] else 'holds'} more than {MAX_NODES:,} values {why}",
                node.start_mark)
        sizes[key] = total
        return total

    size(root)


def load(text: str, path: str, line_offset: int = 0):
    """Parse YAML text; a syntax or tag problem becomes a `ContentError` with its position."""
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses control characters here already
        loader.line_offset = line_offset
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark, line_offset) if mark else (None, None)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}, {exc.problem}" if exc.problem else exc.context
        # PyYAML quotes what it found (an alias name, a tag) in full: keep a message short.
        raise ContentError(path, f"invalid YAML: {cut(problem, 200)}", line, col) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1 + line_offset, len(before) - before.rfind("\n")
        raise ContentError(path, f"invalid YAML: the character U+{exc.character:04X} (a control character) is not "
                           "allowed; remove it", line, col) from None
    except yaml.YAMLError as exc:
        raise ContentError(path, f"invalid YAML: {exc}", 1 + line_offset) from None
    except RecursionError:
        raise ContentError(path, "invalid YAML: nested too deeply", 1 + line_offset) from None
    finally:
        if loader is not None:
            loader.dispose()
