"""Draw Fossa's app icons (the brand mark: the two tendons framing the knee hollow).

Run from the repository root: ``python scripts/make_icons.py``. Writes the PNGs the
manifest and the iOS tags point at into static/icons/; they are committed.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
TEAL = (15, 110, 102, 255)
WHITE = (255, 255, 255, 255)
SUPERSAMPLE = 4

# The brand mark of templates/base.html on its 32×32 grid: "M9 3c1 6 1 9 4 13s3 9 2 13".
# Each stroke is two cubic Bézier segments (the "s" reflects the previous control point).
LEFT = [((9, 3), (10, 9), (10, 12), (13, 16)), ((13, 16), (16, 20), (16, 25), (15, 29))]
RIGHT = [((23, 3), (22, 9), (22, 12), (19, 16)), ((19, 16), (16, 20), (16, 25), (17, 29))]


def _bezier(points: tuple, steps: int = 48) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    out = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        out.append(
            (
                u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
            )
        )
    return out


def draw_icon(size: int, *, mark_share: float, rounded: bool) -> Image.Image:
    """The mark centred on teal; ``mark_share`` is the part of the side the 32-grid fills."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=TEAL)
    else:
        draw.rectangle((0, 0, big, big), fill=TEAL)
    scale = big * mark_share / 32
    offset = (big - 32 * scale) / 2
    width = max(1, round(2.6 * scale))
    radius = width / 2
    for stroke in (LEFT, RIGHT):
        # A round pen dragged along the curve: smooth joins and round caps, no seams.
        for segment in stroke:
            for x, y in _bezier(segment, steps=400):
                cx, cy = offset + x * scale, offset + y * scale
                draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    draw_icon(96, mark_share=0.8, rounded=True).save(ICONS / "icon-96.png", optimize=True)
    draw_icon(192, mark_share=0.8, rounded=True).save(ICONS / "icon-192.png", optimize=True)
    draw_icon(512, mark_share=0.8, rounded=True).save(ICONS / "icon-512.png", optimize=True)
    # Maskable: full bleed, the mark inside the central 80% safe circle.
    draw_icon(512, mark_share=0.55, rounded=False).save(
        ICONS / "icon-maskable-512.png", optimize=True
    )
    # iOS rounds the corners itself and shows transparency as black: full bleed.
    draw_icon(180, mark_share=0.7, rounded=False).save(
        ICONS / "apple-touch-icon-180.png", optimize=True
    )


if __name__ == "__main__":
    main()
