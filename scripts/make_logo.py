"""Draw the demo municipality's logo (templates/logo.png) with Pillow.

Run once:  .venv/bin/pip install pillow && .venv/bin/python scripts/make_logo.py
The logo is only a stand-in: a municipality replaces templates/logo.png with its own image of
the same name, and every document picks it up at the next run (docauto.office.housestyle).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "templates" / "logo.png"
BLUE = (31, 78, 120)  # the house colour, also the workbooks' header fill (1F4E78)
LIGHT = (157, 195, 230)
SCALE = 4  # draw large, shrink: smooth edges without an anti-aliasing library
FONT_DIRS = ("/usr/share/fonts/truetype/crosextra", "C:/Windows/Fonts")


def _font(names: tuple[str, ...], size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for folder in FONT_DIRS:
        for name in names:
            path = Path(folder) / name
            if path.exists():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default()


def _shield(left: int, top: int, right: int, bottom: int) -> list[tuple[float, float]]:
    """A heraldic shield: straight top and sides, sides curving in to a point at the bottom."""
    mid, shoulder = (left + right) / 2, top + (bottom - top) * 0.45
    pts = [(left, top), (right, top), (right, shoulder)]
    steps = 24
    for i in range(1, steps + 1):  # quadratic curves from each shoulder to the point
        t = i / steps
        x = (1 - t) ** 2 * right + 2 * (1 - t) * t * right + t * t * mid
        y = (1 - t) ** 2 * shoulder + 2 * (1 - t) * t * bottom + t * t * bottom
        pts.append((x, y))
    for i in range(1, steps):
        t = 1 - i / steps
        x = (1 - t) ** 2 * left + 2 * (1 - t) * t * left + t * t * mid
        y = (1 - t) ** 2 * shoulder + 2 * (1 - t) * t * bottom + t * t * bottom
        pts.append((x, y))
    pts.append((left, shoulder))
    return pts


def main() -> None:
    s = SCALE
    bold = _font(("Carlito-Bold.ttf", "calibrib.ttf"), 120 * s)
    text = "Demokommune"
    text_w = int(bold.getlength(text)) if hasattr(bold, "getlength") else 700 * s
    w, h = 230 * s + text_w + 20 * s, 240 * s
    img = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    # The emblem: a shield with a sun over three waves (a harbour town).
    left, top, right, bottom = 8 * s, 8 * s, 192 * s, 232 * s
    mid = (left + right) // 2
    d.polygon(_shield(left, top, right, bottom), fill=BLUE)
    d.ellipse((mid - 36 * s, top + 26 * s, mid + 36 * s, top + 98 * s), fill=LIGHT)
    for i, y in enumerate((116, 146, 176)):
        y0 = top + y * s
        width = (140 - i * 36) * s
        d.rounded_rectangle(
            (mid - width // 2, y0, mid + width // 2, y0 + 14 * s), radius=7 * s, fill="white"
        )
    # The word mark, centred on the shield's upper half.
    d.text((226 * s, 120 * s), text, font=bold, fill=BLUE, anchor="lm")
    img = img.resize((w // SCALE, h // SCALE), Image.LANCZOS)
    img.save(OUT, optimize=True)
    print(OUT)


if __name__ == "__main__":
    main()
