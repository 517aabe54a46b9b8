"""Charts drawn beside the layout: laid out as placeholders, swapped in when their page is drawn.

Layout needs only an image's size, which a placeholder of the same size gives; so the pages can
be laid out while a helper process is still drawing the charts. WeasyPrint keeps a laid-out SVG
picture as `SVGImage._svg`; the swap replaces it just before the picture is painted.
"""

from __future__ import annotations

from typing import Callable
from xml.etree import ElementTree

from report.internals.versions import enabled

# Lazy: WeasyPrint (about 1 s), after `import_weasyprint`; `--check` loads this package, not it.


class ImageSizeChanged(Exception):
    """A swapped-in image has another size than its placeholder: lay the pages out again."""


def swap_images(document, images: dict[str, Callable[[], bytes]]) -> bool:
    """Draw each SVG image laid out from a URL in `images` from `images[url]()` instead.

    Each getter is called when its image is first drawn, so a chart still being drawn elsewhere
    is waited for only when its page is painted. The new SVG must have the size and viewBox of
    the old: if not, drawing stops with `ImageSizeChanged`. Returns False, changing nothing, where
    the speed-ups are off, an image is on no page (hidden by CSS, say), or WeasyPrint's insides
    differ: the caller then lays out with the real images.
    """
    if not enabled():
        return False

    from weasyprint.formatting_structure.boxes import ReplacedBox
    from weasyprint.images import SVGImage
    from weasyprint.svg import SVG

    found: dict[str, list] = {}
    for page in document.pages:
        root = getattr(page, "_page_box", None)
        if root is None:
            return False
        for box in root.descendants():
            image = getattr(box, "replacement", None) if isinstance(box, ReplacedBox) else None
            if isinstance(image, SVGImage) and getattr(image, "_base_url", None) in images:
                if image not in found.setdefault(image._base_url, []):
                    found[image._base_url].append(image)
    if set(found) != set(images) or any(getattr(i, "_svg", None) is None for l in found.values() for i in l):
        return False

    def lazily(image, url):
        draw = image.draw  # SVGImage.draw, bound

        def draw_real(stream, width, height, style):
            if not getattr(image, "_report_real", False):
                old = image._svg
                new = SVG(ElementTree.fromstring(images[url]()), url, old.font_config, old.url_fetcher)
                if (new.get_intrinsic_size(16) != old.get_intrinsic_size(16)
                        or new.get_viewbox() != old.get_viewbox()):
                    raise ImageSizeChanged(url)
                image._svg, image._report_real = new, True
            return draw(stream, width, height, style)

        return draw_real

    for url, laid_out in found.items():
        for image in laid_out:
            image.draw = lazily(image, url)
    return True
