"""Workbooks written part by part, to test what spreadsheet programs would never write: a wrong
<dimension>, a 200 MB cell, two million shared strings, a document type declaration."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{column(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values) if v != "")
    return f'<row r="{number}">{cells}</row>'


def workbook(sheet: Iterable[str] | str, shared: Iterable[str] | str | None = None, *,
             compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A workbook whose sheet and shared-string parts are the given XML, written in pieces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, pieces in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared)):
            if pieces is None:
                continue
            with zf.open(name, "w", force_zip64=True) as part:
                for piece in [pieces] if isinstance(pieces, str) else pieces:
                    part.write(piece.encode())
    return out.getvalue()


def sheet_xml(rows: Iterable[str], dimension: str | None = None) -> Iterable[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {MAIN}>'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield from rows
    yield "</sheetData></worksheet>"


def shared_xml(strings: Iterable[str], count: int) -> Iterable[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst {MAIN} count="{count}" uniqueCount="{count}">'
    for text in strings:
        yield f"<si><t>{text}</t></si>"
    yield "</sst>"


def long_text(characters: int, piece: int = 1 << 20) -> Iterable[str]:
    """One text of `characters` letters, in pieces (never held whole)."""
    while characters > 0:
        yield "A" * min(piece, characters)
        characters -= piece
