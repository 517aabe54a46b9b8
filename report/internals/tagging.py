"""The tagged PDF as PDF/UA-1 wants it, where WeasyPrint 70's tagging falls short.

A WeasyPrint `finisher`: it edits WeasyPrint's pydyf objects before they are written, so the
file is written once, by WeasyPrint, and stays byte-for-byte reproducible. It relies on how
WeasyPrint 70 lays out its structure tree (`weasyprint/pdf/tags.py`): that is why it lives here.

- Running headers and footers (page-margin boxes) are tagged by WeasyPrint with elements that
  it leaves out of the tree (so far only PDF 2.0 can put artifacts in it). Their marked content
  becomes `/Artifact` of type Pagination (ISO 14289-1 7.8), and the parent tree forgets them.
- A list item holds a label and a body (7.6): WeasyPrint puts the item's paragraphs straight
  under `LI`; they move into an `LBody`.
- Link annotations get the Print flag (ISO 32000-1 12.5.3; PDF/UA checkers ask for it).
"""

from __future__ import annotations

from report.internals.pdfobjects import page_numbers, ref

# Lazy: pydyf, when a PDF is written; `--check` loads this package, not it.

PRINT_FLAG = 4


def _kids(element) -> list:
    kids = element.get("K")
    return list(kids) if kids is not None and not isinstance(kids, (bytes, int)) else (
        [] if kids is None else [kids])


def finish_tags(document, pdf) -> None:
    """The finisher: artifacts, list bodies, printable links (see the module's text)."""
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
