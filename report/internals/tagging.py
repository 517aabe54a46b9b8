"""The tagged PDF as PDF/UA-1 wants it, where WeasyPrint 70's tagging falls short.

A WeasyPrint `finisher`: it edits WeasyPrint's pydyf objects before they are written, so the
file is written once, by WeasyPrint, and stays byte-for-byte reproducible. It relies on how
WeasyPrint 70 lays out its structure tree (`weasyprint/pdf/tags.py`): that is why it lives here.

- Running headers and footers (page-margin boxes) are tagged by WeasyPrint with elements that
  it leaves out of the tree (so far only PDF 2.0 can put artifacts in it). Their marked content
  becomes `/Artifact` of type Pagination (ISO 14289-1 7.8), and the parent tree forgets them.
- A list item holds a label and a body (7.6): WeasyPrint puts the item's paragraphs straight
  under `LI`; they move into an `LBody`.
- Link annotations get the Print flag (ISO 32000-1 12.5.3; PDF/UA checkers ask for it), and
  each sits under its own `Link`, described in words (`taglinks.py`).
- An element in another language than the element above it says so (`Lang`, 7.2): WeasyPrint
  gives none, so a Swedish document bound into an English reader read as English.
- Footnotes (`li.footnote-item`) and sidenotes (`span.sidenote`) are `Note`s with an `ID` (7.9), not list items; every `ID`
  is in the root's `IDTree`.
- A hyphenated word reads whole, and a typed hyphen as typed (`textlayer.py`).
- A header cell says what it heads (`Scope`).
- No element is left empty (no kids): WeasyPrint makes some for boxes that hold nothing drawn.

What the language, the footnotes and the broken words need is read from the boxes each
element was made from (`tagsources.py`): without them (a PDF written outside
`tagsources.recording()`) those steps are skipped.
"""

from __future__ import annotations

from report.internals import tagsources
from report.internals.pdfobjects import page_numbers, ref
from report.internals.taglinks import finish_links, kids as _kids
from report.internals.textlayer import typed_hyphens, whole_words

# Lazy: pydyf, when a PDF is written; `--check` loads this package, not it.

PRINT_FLAG = 4


# Table parts stay even when empty: an empty cell keeps its row's columns in place.
KEEP_EMPTY = frozenset({"/Table", "/TR", "/TH", "/TD", "/THead", "/TBody", "/TFoot"})


def finish_tags(document, pdf) -> None:
    """The finisher: artifacts, list bodies, links, languages, notes, whole words (see the module's text)."""
    import pydyf

    root_ref = pdf.catalog.get("StructTreeRoot")
    if root_ref is None:
        return
    objects = pdf.objects
    root = objects[ref(root_ref)]

    # Every element reachable from the root.
    reached: set[int] = set()
    todo = [ref(k) for k in _kids(root)]
    while todo:
        number = todo.pop()
        if number is None or number in reached:
            continue
        reached.add(number)
        element = objects[number]
        if isinstance(element, dict) and element.get("Type") == "/StructElem":
            todo.extend(ref(k) for k in _kids(element))

    nums = objects[ref(root["ParentTree"])]["Nums"]
    pages = page_numbers(pdf)
    sources = tagsources.current()
    if sources is not None:
        _notes(objects, reached, sources)
    _lists(objects, reached, nums, pdf)
    for index in range(0, len(nums), 2):
        page_number, mapping = nums[index], nums[index + 1]
        if not isinstance(mapping, list) or not isinstance(page_number, int) or page_number >= len(pages):
            continue
        orphans = {mcid for mcid, value in enumerate(mapping) if ref(value) not in reached}
        if not orphans:
            continue
        page = objects[pages[page_number]]
        contents = page["Contents"]
        stream = objects[ref(contents)] if isinstance(contents, bytes) else None
        if stream is None:
            continue
        items = stream.stream
        for i, item in enumerate(items):
            if (isinstance(item, dict) and item.get("MCID") in orphans and i > 0
                    and i + 1 < len(items) and items[i + 1] == b"BDC"):
                items[i - 1] = "/Artifact"
                items[i] = pydyf.Dictionary({"Type": "/Pagination"})
                mapping[item["MCID"]] = b"null"

    finish_links(document, pdf, nums)
    if sources is not None:
        whole_words(sources.texts, pdf, nums)
        _languages(objects, root, sources, getattr(pdf.catalog.get("Lang"), "string", None))
        _scopes(objects, root, sources)
    _prune(objects, root)
    _id_tree(objects, root)
    typed_hyphens(pdf)
    for number in pages:
        for annotation in objects[number].get("Annots", ()):
            annotation = objects[ref(annotation)] if isinstance(annotation, bytes) else annotation
            if isinstance(annotation, dict) and annotation.get("Subtype") == "/Link":
                annotation["F"] = PRINT_FLAG


def _lists(objects, reached, nums, pdf) -> None:
    """Wrap what an `LI` holds besides its `Lbl` in one `LBody`."""
    import pydyf

    for number in sorted(reached):
        item = objects[number]
        if not isinstance(item, dict) or item.get("S") != "/LI":
            continue
        kids = _kids(item)
        label = [k for k in kids if ref(k) is not None and objects[ref(k)].get("S") == "/Lbl"]
        rest = [k for k in kids if k not in label]
        if not rest or (len(rest) == 1 and ref(rest[0]) is not None
                        and objects[ref(rest[0])].get("S") == "/LBody"):
            continue
        body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(rest),
                                 "P": item.reference})
        if "Pg" in item:
            body["Pg"] = item["Pg"]
        pdf.add_object(body)
        reached.add(body.number)
        for kid in rest:
            if ref(kid) is not None and isinstance(objects[ref(kid)], dict):
                objects[ref(kid)]["P"] = body.reference
        item["K"] = pydyf.Array(label + [body.reference])
        # Marked content and annotations held by the item itself now belong to its body.
        for index in range(1, len(nums), 2):
            mapping = nums[index]
            if isinstance(mapping, list):
                for i, value in enumerate(mapping):
                    if value == item.reference:
                        mapping[i] = body.reference
            elif mapping == item.reference:
                nums[index] = body.reference


def _notes(objects, reached, sources) -> None:
    """A footnote's list item, and a sidenote, becomes a `Note` with its `ID`; a list of notes
    only, a `Div`."""
    import pydyf

    used: set[str] = set()
    for number in sorted(reached):
        item = objects[number]
        box = sources.boxes.get(number)
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        # A sidenote (render/rail.py) stands in the paragraph of its call: WeasyPrint makes it
        # a Span there.
        if not isinstance(item, dict) or not (
                (item.get("S") == "/LI" and "footnote-item" in classes)
                or (item.get("S") == "/Span" and "sidenote" in classes)):
            continue
        ident = base = element.get("id") or f"note-{number}"
        n = 1
        while ident in used:  # a note split by a page break: two elements
            n += 1
            ident = f"{base}-{n}"
        used.add(ident)
        item["S"] = "/Note"
        item["ID"] = pydyf.String(ident)
        for kid in _kids(item):  # WeasyPrint's body of an unmarked item
            if ref(kid) is not None and objects[ref(kid)].get("S") == "/LBody":
                objects[ref(kid)]["S"] = "/Div"
    for number in sorted(reached):
        element = objects[number]
        if isinstance(element, dict) and element.get("S") == "/L":
            roles = [objects[ref(k)].get("S") if ref(k) is not None else None for k in _kids(element)]
            if roles and all(role == "/Note" for role in roles):
                element["S"] = "/Div"


def _elements(objects, root):
    """Every structure element under the root, parents before their kids."""
    seen: set[int] = set()
    todo = [ref(k) for k in reversed(_kids(root))]
    while todo:
        number = todo.pop()
        if number is None or number in seen:
            continue
        element = objects[number]
        if isinstance(element, dict) and element.get("Type") == "/StructElem":
            seen.add(number)
            yield element
            todo.extend(ref(k) for k in reversed(_kids(element)))


def _languages(objects, root, sources, document_lang) -> None:
    """`Lang` on each element whose box is in another language than the element above it."""
    import pydyf

    inherited = {ref(k): document_lang for k in _kids(root)}
    for element in _elements(objects, root):
        lang = inherited.get(element.number, document_lang)
        box = sources.boxes.get(element.number)
        own = box.style["lang"] if box is not None else None
        if own and own.lower() != (lang or "").lower():
            element["Lang"] = pydyf.String(own)
            lang = own
        for kid in _kids(element):
            if ref(kid) is not None:
                inherited[ref(kid)] = lang


def _scopes(objects, root, sources) -> None:
    """A header cell says what it heads (`Scope`): its row with `scope="row"`, else its column,
    as WeasyPrint's `Headers` on the data cells already take it."""
    for element in _elements(objects, root):
        box = sources.boxes.get(element.number)
        if element.get("S") == "/TH" and isinstance(element.get("A"), dict) and box is not None:
            element["A"]["Scope"] = "/Row" if box.element.get("scope") == "row" else "/Column"


def _prune(objects, root) -> None:
    """Elements with no kids out of the tree, and a parent they leave empty after them."""
    import pydyf

    empty = [e for e in _elements(objects, root) if not _kids(e) and e.get("S") not in KEEP_EMPTY]
    while empty:
        element = empty.pop()
        parent = objects[ref(element["P"])]
        parent["K"] = pydyf.Array([k for k in _kids(parent) if k != element.reference])
        if (parent.get("Type") == "/StructElem" and not _kids(parent)
                and parent.get("S") not in KEEP_EMPTY | {"/Document"}):
            empty.append(parent)


def _id_tree(objects, root) -> None:
    """The root's `IDTree`: every element `ID` (notes, table headers), sorted as a name tree is."""
    import pydyf

    named = sorted((e["ID"].string, e.reference) for e in _elements(objects, root) if "ID" in e)
    if named:
        root["IDTree"] = pydyf.Dictionary({"Names": pydyf.Array(
            [item for ident, reference in named for item in (pydyf.String(ident), reference)])})
