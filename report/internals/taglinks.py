"""Link annotations as PDF/UA-1 wants them (7.18.5): each under its own `Link`, described in words.

WeasyPrint 70 makes a link annotation for every box a link's box holds (a `span` inside an
`a`, the leader an `a::after` draws), each filed under that box's element: a `Span` inside the
`Link`, or a `Link` inside a `Link`. It describes every annotation by its target, so a reader
hears `fn1` or `d2-document`. Here an annotation inside a link of the same target goes (the
outer one covers it), any other moves up to its `Link` (or gets one), and each left is
described by what a reader sees: its `aria-label` or `title`, else its text, else the text of
the element it leads to ("Note 3", a section's title, "Figure 2").
"""

from __future__ import annotations

import re

from report.internals.pdfobjects import page_numbers, ref

# Lazy: pydyf, when a PDF is written; `--check` loads this package, not it.

_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")


def words(text: str) -> str:
    """Text as read aloud: soft hyphens and zero-width characters out, spaces collapsed."""
    return " ".join(_INVISIBLE.sub("", text).split())


def kids(element) -> list:
    """An element's kids as a list (a lone kid, an array, or none)."""
    found = element.get("K")
    if found is None:
        return []
    return list(found) if isinstance(found, list) else [found]


def finish_links(document, pdf, nums) -> None:
    """Every link annotation under its `Link` element, with a description in words."""
    import pydyf

    objects = pdf.objects
    holders = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2) if not isinstance(nums[i + 1], list)}
    page_dicts = [objects[number] for number in page_numbers(pdf)]
    links = [(i, link) for i, page in enumerate(document.pages)
             for link in page.links if getattr(link[3], "link_annotation", None) is not None]
    target_of = {link[3].link_annotation.number: link[1] for _, link in links}
    ids = None
    for page, (_, target, _, box) in links:
        annotation = box.link_annotation
        holder_ref = holders.get(annotation.get("StructParent"))
        if holder_ref is None or ref(holder_ref) is None:
            continue
        holder = objects[ref(holder_ref)]
        objr = next((k for k in kids(holder) if ref(k) is not None
                     and objects[ref(k)].get("Obj") == annotation.reference), None)
        if objr is None:
            continue
        outer = _outermost_link(objects, holder)
        if outer is not None and outer is not holder and any(
                target_of.get(ref(objects[ref(k)].get("Obj"))) == target for k in kids(outer)
                if ref(k) is not None and objects[ref(k)].get("Type") == "/OBJR"):
            _drop(objects, annotation, holder, objr, page_dicts[page], nums)
            continue
        if holder.get("S") != "/Link":
            link = outer
            if link is None:  # no Link above: one is made around the annotation
                link = pydyf.Dictionary({"Type": "/StructElem", "S": "/Link", "K": pydyf.Array(),
                                         "P": holder.reference, "Pg": objects[ref(objr)]["Pg"]})
                pdf.add_object(link)
                holder["K"] = pydyf.Array([link.reference if k == objr else k for k in kids(holder)])
            else:
                holder["K"] = pydyf.Array([k for k in kids(holder) if k != objr])
            link["K"] = pydyf.Array(kids(link) + [objr])
            _set_holder(nums, annotation["StructParent"], link.reference)
            holder = link
        description, labelled = _description(box)
        if not description:
            if ids is None:
                ids = _ids(document)
            description = words("".join(ids[target].itertext())) if target in ids else ""
            labelled = bool(description)
        annotation["Contents"] = pydyf.String(description or target)
        if labelled:  # read in place of the link's own text ("1", "↑")
            holder["Alt"] = pydyf.String(description)
    # A Link holding no annotation (one inside another Link, an `a` with no address) is text.
    for element in objects:
        if (isinstance(element, dict) and element.get("S") == "/Link" and element.get("Type") == "/StructElem"
                and not any(ref(k) is not None and objects[ref(k)].get("Type") == "/OBJR" for k in kids(element))):
            element["S"] = "/Span"


def _outermost_link(objects, element):
    found = None
    while isinstance(element, dict) and element.get("Type") == "/StructElem":
        if element.get("S") == "/Link":
            found = element
        element = objects[ref(element["P"])] if ref(element.get("P")) is not None else None
    return found


def _set_holder(nums, key, value) -> None:
    for i in range(0, len(nums), 2):
        if nums[i] == key and not isinstance(nums[i + 1], list):
            nums[i + 1] = value


def _drop(objects, annotation, holder, objr, page, nums) -> None:
    """An annotation that a link of the same target around it covers: out of the page and tree."""
    import pydyf

    page["Annots"] = pydyf.Array([a for a in page.get("Annots", ()) if a != annotation.reference])
    holder["K"] = pydyf.Array([k for k in kids(holder) if k != objr])
    key = annotation.get("StructParent")
    for i in range(0, len(nums), 2):
        if nums[i] == key and not isinstance(nums[i + 1], list):
            del nums[i:i + 2]
            break
    # pydyf writes every object it holds: these two are left empty, reachable from nothing.
    objects[ref(objr)].clear()
    annotation.clear()


def _description(box) -> tuple[str, bool]:
    """(the words a link is read as, whether they replace its text): its label, else its text."""
    element = box.element
    if element is None:
        return "", False
    label = words(element.get("aria-label") or element.get("title") or "")
    if label:
        return label, True
    text = words("".join(element.itertext()))
    return (text, False) if any(c.isalnum() for c in text) else ("", False)


def _ids(document) -> dict:
    """Every element with an id in the HTML laid out on the pages (a reader binds several)."""
    found = {}
    roots = {}
    for page in document.pages:
        for child in page._page_box.children:
            if child.element is not None:
                roots[id(child.element)] = child.element
    for root in roots.values():
        for element in root.iter():
            ident = element.get("id") if hasattr(element, "get") else None
            if ident and ident not in found:
                found[ident] = element
    return found
