"""The guide's QR code: the live corridor page's address drawn as inline SVG (segno), black on white,
with the quiet zone the standard asks for, sized for print."""
from __future__ import annotations

import io

import segno
from markupsafe import Markup


def qr_svg(url: str, *, title: str) -> Markup:
    """The QR code of `url` as an <svg> element to put inside a page (no XML declaration), with `title`
    for screen readers. Error correction M: a printed, folded sheet still scans."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, scale=4, border=4, title=title,
              svgclass="qr", lineclass=None, omitsize=True)
    return Markup(out.getvalue().decode("utf-8"))


def qr_matrix(url: str) -> tuple[tuple[int, ...], ...]:
    """The code's modules (1 dark), for tests that read it back."""
    return tuple(tuple(row) for row in segno.make(url, error="m", micro=False).matrix)
