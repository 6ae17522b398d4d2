"""An observation's evidence: a photo of a price board or a screenshot (JPEG, PNG, WebP) or a PDF, at
most 5 MB, known by its content, never by its name.

An image is decoded and written again from its pixels alone, so nothing it carried besides them is
kept: no EXIF (the camera, the time), no GPS position, no comments. Its orientation is applied first,
so the photo still shows as it was taken. An image whose pixels would take more memory than a photo
needs (a decompression bomb: a small file that expands to gigapixels) is refused before it is decoded.
A PDF is opened (pikepdf, qpdf) and written again whole without its document information (author,
creator, dates) and its XMP metadata, the document's and its pages': what it shows is kept, who made
it and with what is not. A file pikepdf cannot read, or one locked with a password, is refused.

A file is written before the observation that names it is committed: should that commit fail (or the
request be refused after), the session's rollback removes the file, so no evidence is left on disk
that no observation names.

Files are stored under the instance folder (REMIT_EVIDENCE_DIR), outside the static files, under a
random name; only staff pages serve them (remit.web.collect).
"""
from __future__ import annotations

import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..domain.errors import RemitError
from ..domain.messages import msg
from ..extensions import db

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_EVIDENCE_PIXELS = 50_000_000  # a 50-megapixel photo; a bomb claims far more
IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
PDF = ("application/pdf", "pdf")
NAME_LENGTH = 32  # hex characters of a stored file's random name


class TooLarge(RemitError):
    status = 413


@dataclass(frozen=True)
class Evidence:
    """A cleaned evidence file, ready to store: its bytes, media type and extension."""

    content: bytes
    media_type: str
    extension: str


def clean(content: bytes) -> Evidence:
    """The file as it will be stored, or a refusal naming what is wrong with it."""
    if len(content) > MAX_EVIDENCE_BYTES:
        raise TooLarge(msg("evidence_too_large", "The evidence file is larger than 5 MB: send a smaller photo or "
                                                 "a screenshot."), field="evidence")
    if content.startswith(b"%PDF-"):
        if b"%%EOF" not in content[-1024:]:
            raise RemitError(_not_what_it_says(), field="evidence")
        return Evidence(_pdf_without_metadata(content), *PDF)
    return _clean_image(content)


def _pdf_without_metadata(content: bytes) -> bytes:
    """The PDF written again without its document information dictionary and its XMP metadata streams
    (the catalogue's and each page's); earlier revisions kept by incremental updates go too."""
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            if "/Metadata" in pdf.Root:
                del pdf.Root["/Metadata"]
            if "/PieceInfo" in pdf.Root:
                del pdf.Root["/PieceInfo"]
            for page in pdf.pages:
                for name in ("/Metadata", "/PieceInfo"):
                    if name in page.obj:
                        del page.obj[name]
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False, deterministic_id=True)
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, OSError):
        raise RemitError(_not_what_it_says(), field="evidence") from None
    return out.getvalue()


def _not_what_it_says():
    return msg("evidence_unknown", "The evidence file is not a JPEG, PNG or WebP image nor a PDF (whatever its "
                                   "name says).")


def _clean_image(content: bytes) -> Evidence:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            kind = image.format
            if kind not in IMAGE_TYPES:
                raise RemitError(_not_what_it_says(), field="evidence")
            width, height = image.size
            if width * height > MAX_EVIDENCE_PIXELS:
                raise _bomb()
            image.load()
            image = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, RemitError):
            raise
        raise RemitError(_not_what_it_says(), field="evidence") from None
    return Evidence(_pixels_only(image, kind), *IMAGE_TYPES[kind])


def _bomb():
    return RemitError(msg("evidence_too_many_pixels", "The image has more pixels than a photo of a price board "
                                                      "needs (at most 50 megapixels)."), field="evidence")


def _pixels_only(image: Image.Image, kind: str) -> bytes:
    """The image written again from its pixels: a new image, so no EXIF, GPS or text chunk goes with it."""
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    bare = Image.new(image.mode, image.size)
    bare.paste(image)
    if image.mode == "P" and image.getpalette() is not None:
        bare.putpalette(image.getpalette())
    out = io.BytesIO()
    options = {"quality": 90} if kind in ("JPEG", "WEBP") else {}
    bare.save(out, kind, **options)
    return out.getvalue()


def folder() -> Path:
    path = Path(current_app.config.get("REMIT_EVIDENCE_DIR") or os.path.join(current_app.instance_path, "evidence"))
    path.mkdir(parents=True, exist_ok=True)
    return path


WRITTEN = "remit.evidence_written"  # in the session's info: files written since its last commit


def store(evidence: Evidence) -> str:
    """Write the file under a new random name and return the name. It is removed again should the
    database session roll back before it commits (a refusal, or a commit that fails)."""
    name = f"{secrets.token_hex(NAME_LENGTH // 2)}.{evidence.extension}"
    target = folder() / name
    with open(target, "xb") as out:
        out.write(evidence.content)
    db.session.info.setdefault(WRITTEN, []).append(target)
    return name


@event.listens_for(Session, "after_commit")
def _kept(session: Session) -> None:
    session.info.pop(WRITTEN, None)


@event.listens_for(Session, "after_soft_rollback")
def _discarded(session: Session, previous_transaction) -> None:
    if previous_transaction.nested:  # a savepoint: the outer transaction may still commit
        return
    for path in session.info.pop(WRITTEN, ()):
        path.unlink(missing_ok=True)


def path_of(name: str) -> Path | None:
    """The stored file of this name, or None when the name is not one `store` gives or nothing is there."""
    stem, _, extension = name.partition(".")
    if len(stem) != NAME_LENGTH or not all(c in "0123456789abcdef" for c in stem) or extension not in {
            "jpg", "png", "webp", "pdf"}:
        return None
    path = folder() / name
    return path if path.is_file() else None
