"""The print PDF made PDF/X-4 in CMYK: a WeasyPrint `finisher` on its pydyf objects.

WeasyPrint 70 writes CSS and SVG colours as DeviceRGB (`r g b rg`). Here, before the file is
written (so it is written once and stays reproducible):

- every `rg`/`RG` in every content stream (pages, forms, patterns) becomes `k`/`K` with the
  series' CMYK (`report.series.press`), transparency groups blend in DeviceCMYK;
- pictures and shadings left in DeviceRGB are tagged as sRGB (ICC-based colour, which PDF/X-4
  allows and the press converts with the output intent);
- with `press.overprint`, each colour comes with a graphics state: 100 % K overprints, any
  other colour knocks out;
- the output intent is the FOGRA39 profile, identified as the ICC registry names it;
- link annotations go (PDF/X: no annotation inside the bleed box; paper has no links), with
  their places in the structure tree;
- the XMP DocumentID, random in WeasyPrint, is derived from the document;
- the document information says `GTS_PDFXVersion` too, which older preflight profiles read
  rather than the XMP;
- WeasyPrint's CIE Lab colour spaces (for CSS `lab()` colours), offered to every page, go when
  no content stream sets them: a print shop's preflight reports a colour space it cannot map.

It relies on how pydyf 0.13 and WeasyPrint 70 hold the objects, hence its place here.
"""

from __future__ import annotations

import re
import uuid
from importlib.resources import files


from report.internals.pdfobjects import pages, ref, target

# Lazy: WeasyPrint and pydyf, when the print PDF is written; `--check` loads this package, not them.

RGB_OPERATOR = re.compile(rb"^(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (rg|RG)$")
DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")
BLACK = (0.0, 0.0, 0.0, 1.0)
OVERPRINT, KNOCKOUT = b"/OPblack", b"/OPother"  # the graphics states' names in every resource dictionary


def _number(value: float) -> bytes:
    return (f"{value:.4f}".rstrip("0").rstrip(".") or "0").encode("ascii")


def to_press(press):
    """The finisher for `press` (a `report.series.press.Press`)."""

    def finish(document, pdf) -> None:
        import pydyf

        srgb = None

        def srgb_space():
            nonlocal srgb
            if srgb is None:
                data = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
                stream = pydyf.Stream([data], pydyf.Dictionary({"N": 3}), compress=True)
                pdf.add_object(stream)
                srgb = pydyf.Array(("/ICCBased", stream.reference))
            return srgb

        resources = _stream_resources(pdf) if press.overprint else {}
        for obj in list(pdf.objects):
            if isinstance(obj, pydyf.Stream):
                items = obj.stream
                held = resources.get(id(obj))  # where its overprint states are named, if it has any
                for i, item in enumerate(items):
                    if isinstance(item, bytes) and item.endswith((b"rg", b"RG")):
                        found = RGB_OPERATOR.match(item)
                        if found:
                            rgb = tuple(float(v) for v in found.groups()[:3])
                            op = b"k" if found.group(4) == b"rg" else b"K"
                            cmyk = press.cmyk(rgb)
                            items[i] = b" ".join([*map(_number, cmyk), op])
                            if held is not None:
                                # WeasyPrint sets the colour just before each thing it paints: the
                                # state set with it is the state it paints in.
                                items[i] = (OVERPRINT if cmyk == BLACK else KNOCKOUT) + b" gs " + items[i]
                extra = obj.extra
            elif isinstance(obj, dict):
                extra = obj
            else:
                continue
            group = extra.get("Group")
            if isinstance(group, dict) and group.get("CS") == "/DeviceRGB":
                group["CS"] = "/DeviceCMYK"
            if extra.get("ColorSpace") == "/DeviceRGB" and extra.get("Subtype") == "/Image":
                extra["ColorSpace"] = srgb_space()
            for shading in (extra.get("Shading") or {}).values() if isinstance(extra.get("Shading"), dict) else ():
                if isinstance(shading, dict) and shading.get("ColorSpace") == "/DeviceRGB":
                    shading["ColorSpace"] = srgb_space()

        _name_overprint_states(pdf, resources.values())
        _drop_links(pdf)
        _drop_unused_color_spaces(pdf)
        pdf.info["GTS_PDFXVersion"] = pydyf.String("PDF/X-4")

        profile = pydyf.Stream([press.profile.read_bytes()], pydyf.Dictionary({"N": 4}), compress=True)
        pdf.add_object(profile)
        intent = pydyf.Dictionary({
            "Type": "/OutputIntent", "S": "/GTS_PDFX",
            "OutputConditionIdentifier": pydyf.String(press.condition),
            "RegistryName": pydyf.String(press.registry),
            "Info": pydyf.String(press.condition_info),
            "DestOutputProfile": profile.reference,
        })
        pdf.catalog["OutputIntents"] = pydyf.Array([intent])

        metadata = pdf.objects[ref(pdf.catalog.get("Metadata"))] if pdf.catalog.get("Metadata") else None
        if metadata is not None:
            seed = repr(tuple(getattr(pdf.info.get(key), "data", None) for key in ("Title", "Author", "CreationDate")))
            stable = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}".encode("ascii")
            metadata.stream = [DOCUMENT_ID.sub(stable, part) if isinstance(part, bytes) else part
                               for part in metadata.stream]

    return finish


def _stream_resources(pdf) -> dict[int, dict]:
    """Each content stream (by id) with the resource dictionary its names are looked up in: a
    page's streams, its page's; a form's or a pattern's, its own."""
    import pydyf

    held = {}
    for page in pages(pdf):
        page_resources = target(pdf, page.get("Resources"))
        contents = page.get("Contents")
        for content in contents if isinstance(contents, list) else [contents]:
            if isinstance(page_resources, dict):
                held[id(target(pdf, content))] = page_resources
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and isinstance(target(pdf, obj.extra.get("Resources")), dict):
            held[id(obj)] = target(pdf, obj.extra["Resources"])
    return held


def _name_overprint_states(pdf, resources) -> None:
    """The two graphics states the colour operators select: black overprints (`/OP`, `/op`, and
    `/OPM 1`, so that zero components of a CMYK colour leave the inks below them), any other
    colour knocks out."""
    import pydyf

    states = {}
    for name, on in ((OVERPRINT, True), (KNOCKOUT, False)):
        flag = "true" if on else "false"  # pydyf writes a str as it is
        state = pydyf.Dictionary({"Type": "/ExtGState", "OP": flag, "op": flag, "OPM": 1})
        pdf.add_object(state)
        states[name[1:].decode()] = state.reference
    for held in {id(r): r for r in resources}.values():
        graphics = target(pdf, held.get("ExtGState"))
        if not isinstance(graphics, dict):
            graphics = held["ExtGState"] = pydyf.Dictionary({})
        graphics.update(states)


def _drop_unused_color_spaces(pdf) -> None:
    """Remove the named colour spaces (WeasyPrint's `lab-d50`, `lab-d65`) that no content stream
    selects with `cs`/`CS`; a resource dictionary left with none loses its ColorSpace entry."""
    import pydyf

    used = b"\n".join(item for obj in pdf.objects if isinstance(obj, pydyf.Stream)
                      for item in obj.stream if isinstance(item, bytes))
    for obj in list(pdf.objects):
        resources = obj.extra.get("Resources") if isinstance(obj, pydyf.Stream) else obj
        if not isinstance(resources, dict):
            continue
        spaces = target(pdf, resources.get("ColorSpace"))
        if not isinstance(spaces, dict):
            continue
        for name in [n for n in spaces if not re.search(rb"/" + re.escape(n.encode()) + rb"\s+(cs|CS)\b", used)]:
            del spaces[name]
        if not spaces:
            del resources["ColorSpace"]


def _drop_links(pdf) -> None:
    """Remove link annotations, and the structure tree's references to them."""
    links: set[int] = set()
    for page in pages(pdf):
        annots = page.get("Annots")
        if not annots:
            continue
        kept = []
        for annot in annots:
            annotation = target(pdf, annot)
            if isinstance(annotation, dict) and annotation.get("Subtype") == "/Link":
                links.add(ref(annot))
            else:
                kept.append(annot)
        if kept:
            page["Annots"][:] = kept
        else:
            del page["Annots"]
    if not links:
        return
    link_refs = {f"{n} 0 R".encode() for n in links}
    objrs = {obj.reference for obj in pdf.objects
             if isinstance(obj, dict) and obj.get("Type") == "/OBJR" and obj.get("Obj") in link_refs}
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem" and isinstance(obj.get("K"), list):
            obj["K"][:] = [k for k in obj["K"] if k not in objrs]
    root = pdf.objects[ref(pdf.catalog["StructTreeRoot"])] if pdf.catalog.get("StructTreeRoot") else None
    if root is not None:
        nums = pdf.objects[ref(root["ParentTree"])]["Nums"]
        pairs = [(nums[i], nums[i + 1]) for i in range(0, len(nums), 2)]
        annot_keys = {annot_obj.get("StructParent") for n in links
                      for annot_obj in [pdf.objects[n]] if isinstance(annot_obj, dict)}
        nums[:] = [item for key, value in pairs if key not in annot_keys for item in (key, value)]
