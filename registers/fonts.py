"""The Chinese fonts documents are written with (certificates, reports): Noto CJK from the system, the
Simplified Chinese face of its collection."""

from functools import cache
from pathlib import Path


class FontMissing(Exception):
    """The font file is not installed (apt-get install fonts-noto-cjk)."""


@cache
def collection_index(path: str) -> int:
    """The Simplified Chinese face of a font collection (Noto CJK puts JP first); 0 for a single font."""
    if not path.lower().endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection

    for index, font in enumerate(TTCollection(path, lazy=True).fonts):
        if font["name"].getDebugName(1).endswith(" SC"):
            return index
    return 0


def add_pdf_font(pdf, family: str, path: str, style: str = "") -> None:
    """Register ``path`` with an fpdf2 document (embedded as a subset of the characters used)."""
    if not Path(path).is_file():
        raise FontMissing(path)
    pdf.add_font(family, style, path, collection_font_number=collection_index(path))


def image_font(path: str, size: int):
    """The font for drawing Chinese text on an image (Pillow)."""
    from PIL import ImageFont

    if not Path(path).is_file():
        raise FontMissing(path)
    return ImageFont.truetype(path, size, index=collection_index(path))
