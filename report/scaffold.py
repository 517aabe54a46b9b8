"""`--new-series ID`: a new series folder, with every key it may set explained."""

from __future__ import annotations

from pathlib import Path

from .schema import yaml_value
from .schemas import SERIES

HEADER = """\
# Series '{id}'. Every key is optional except `extends`: what is not set here is inherited
# from the parent series ({parent}). Check it with: python build.py DOC --series {id} --check
# Below, commented, every other key with the value a series gets when no series in the chain
# sets it; docs/reference/series-yaml.md explains each.
extends: {parent}

"""
# Mappings are shown by example rather than by their empty default.
EXAMPLES = {
    "colors": """\
# colors:                  # reach the CSS as var(--color-NAME) and the charts
#   primary: "#1b2a4a"     # masthead and headings
#   accent: "#b5523b"      # rules, recommendation numbers, chart highlight
#   tint: "#eef1f6"        # box backgrounds
#   text: "#1f2328"
""",
    "fonts": """\
# fonts:                   # font files in this folder, e.g. fonts/MySerif.ttf
#   serif: {family: My Serif, normal: fonts/MySerif.ttf, italic: fonts/MySerif-Italic.ttf}
#   sans: {family: My Sans, normal: fonts/MySans.ttf}
""",
}


def manifest(series_id: str, parent: str) -> str:
    """The new series.yaml: `extends`, then every key of schemas.SERIES, commented."""
    lines = [HEADER.format(id=series_id, parent=parent)]
    for field in SERIES.fields:
        if not field.attribute:  # extends: written above
            continue
        if field.name in EXAMPLES:
            lines.append(EXAMPLES[field.name])
        else:
            setting = f"# {field.name}: {yaml_value(field.default)}"
            lines.append(f"{setting:<26} # {field.doc}\n")
    return "".join(lines)


CSS = """\
/* Series '{id}': loaded after the base style and the parents' styles. Mostly variables
   and page rules, for example:
:root {{ --body-size: 11pt; --body-leading: 16pt; --rail: 0mm; }}
h2 {{ text-transform: uppercase; letter-spacing: 0.04em; }}
*/
"""


def new_series(series_id: str, parent: str, root: Path) -> list[Path]:
    folder = root / series_id
    folder.mkdir(parents=True)
    path, css = folder / "series.yaml", folder / "style.css"
    path.write_text(manifest(series_id, parent), encoding="utf-8")
    css.write_text(CSS.format(id=series_id), encoding="utf-8")
    return [path, css]
