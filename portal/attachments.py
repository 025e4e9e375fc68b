"""Attachments: files on posts. What a file is (from its content, not its name), a safe name for it, its text for
the personal-data guard, and keeping it in the database in chunks so that neither an upload nor a download holds a
whole file in memory. No Flask here.

The content lives in AttachmentChunk rows, so every web machine on one database serves every file and a backup of
the database holds them."""

import codecs
import hashlib
import html
import re
import time
import unicodedata
import zipfile
from collections import namedtuple
from urllib.parse import quote

import filetype
import pypdf

from .clock import now
from .db import database
from .models import Attachment, AttachmentChunk
from .tracking import record

CHUNK = 1024 * 1024  # bytes a chunk row holds, and what is in memory at once while a file goes in or out
MAX_FILES = 5  # on one post
NAME_LENGTH = 120

Kind = namedtuple("Kind", "label extensions inline")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
KINDS = {
    "application/pdf": Kind("PDF", ("pdf",), False),
    DOCX: Kind("Word document", ("docx",), False),
    XLSX: Kind("Excel spreadsheet", ("xlsx",), False),
    ODT: Kind("OpenDocument text", ("odt",), False),
    "image/png": Kind("PNG image", ("png",), True),
    "image/jpeg": Kind("JPEG image", ("jpg", "jpeg"), True),
    "text/plain": Kind("Plain text", ("txt", "text", "csv", "md"), False),
}
ALLOWED_WORDS = "PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), PNG, JPEG or plain text"
# what each zip-based type must hold, read from the archive's own directory: the header alone can be faked
ZIP_MEMBERS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml", ODT: "content.xml"}
# the text the guard reads from each zip-based type
TEXT_MEMBERS = {DOCX: ("word/document.xml",), XLSX: ("xl/sharedStrings.xml",), ODT: ("content.xml",)}

# Bounds on reading a file's text for the guard, against decompression bombs and slow files.
TEXT_CHARS = 100_000
XML_BYTES = 5 * 1024 * 1024
PDF_PAGES = 50
PDF_SECONDS = 3.0
PDF_STREAM_BYTES = 20 * 1024 * 1024


class Refused(ValueError):
    """A file the portal does not take, with what to tell the person."""


Upload = namedtuple("Upload", "name content_type size stream")


def size_words(size):
    if size < 1024:
        return "%d bytes" % size
    if size < 1024 * 1024:
        return "%d KB" % round(size / 1024)
    return "%.1f MB" % (size / 1024 / 1024)


def label(content_type):
    return KINDS[content_type].label if content_type in KINDS else content_type


def safe_name(name, content_type):
    """A name to show and to download as: no folders, no control characters, at most NAME_LENGTH characters, and
    ending in an extension of the type the content really is."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c if unicodedata.category(c)[0] not in "CZ" or c == " " else " " for c in name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    kind = KINDS[content_type]
    if extension.lower() not in kind.extensions:
        stem, extension = name, kind.extensions[0]
    stem = stem[: NAME_LENGTH - len(extension) - 1].strip(" .") or "attachment"
    return "%s.%s" % (stem, extension.lower())


def _size(stream):
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def _is_text(stream):
    """UTF-8 with no control characters but tabs, line breaks and form feeds, read a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream.seek(0)
    try:
        while chunk := stream.read(CHUNK):
            text = decoder.decode(chunk)
            if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def content_type_of(stream):
    """The type the content is (one of KINDS), or None. Read from the bytes with `filetype`; a zip-based office
    file must also hold its type's own part."""
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    guessed = filetype.guess(head)
    if guessed is None:
        return "text/plain" if head and _is_text(stream) else None
    mime = guessed.mime
    if mime in ZIP_MEMBERS:
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            stream.seek(0)
        return mime if ZIP_MEMBERS[mime] in names else None
    return mime if mime in KINDS else None


def inspect(name, stream, max_bytes):
    """The upload, checked: an Upload, or Refused saying why not."""
    size = _size(stream)
    if size == 0:
        raise Refused("“%s” is empty. Choose the file again" % (name or "The file"))
    if size > max_bytes:
        raise Refused(
            "“%s” is %s: files can be at most %s. Make it smaller or leave it out, and choose it again"
            % (name, size_words(size), size_words(max_bytes))
        )
    content_type = content_type_of(stream)
    if content_type is None:
        raise Refused(
            "“%s” is not a file the portal takes: attach a %s file (the portal reads the file itself, not its name)"
            % (name, ALLOWED_WORDS)
        )
    return Upload(safe_name(name, content_type), content_type, size, stream)


# --- the text the guard reads -----------------------------------------------------------------------------------


def _bounded_member(archive, member):
    """A member of a zip archive, decompressed up to XML_BYTES (whatever size it declares)."""
    try:
        with archive.open(member) as part:
            return part.read(XML_BYTES).decode("utf-8", "replace")
    except KeyError:
        return ""


TAG = re.compile(r"<[^>]{0,2000}>")
BREAKS = re.compile(r"</(?:w:p|text:p|text:h|si)>|<(?:w:br|w:tab|text:tab|text:line-break)\b[^>]*/?>")


def _xml_text(xml):
    """The words in an office file's XML: tags dropped, paragraphs as lines (no XML parser, so no entity bombs)."""
    return html.unescape(TAG.sub("", BREAKS.sub("\n", xml)))


def _pdf_text(stream):
    started = time.monotonic()
    limits = dict.fromkeys(
        ("zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length"),
        PDF_STREAM_BYTES,
    )
    parts, length = [], 0
    with pypdf.apply_configuration(**limits):
        reader = pypdf.PdfReader(stream)
        for number, page in enumerate(reader.pages):
            if number >= PDF_PAGES or length >= TEXT_CHARS or time.monotonic() - started > PDF_SECONDS:
                break
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text)
    return "\n".join(parts)


def text_of(upload):
    """What the guard reads of a PDF, DOCX, XLSX, ODT or text file (at most TEXT_CHARS), or "" (images, or a file
    whose text cannot be read)."""
    stream = upload.stream
    stream.seek(0)
    try:
        if upload.content_type == "text/plain":
            text = stream.read(TEXT_CHARS * 4).decode("utf-8", "replace")
        elif upload.content_type == "application/pdf":
            text = _pdf_text(stream)
        elif upload.content_type in TEXT_MEMBERS:
            with zipfile.ZipFile(stream) as archive:
                text = "\n".join(_xml_text(_bounded_member(archive, m)) for m in TEXT_MEMBERS[upload.content_type])
        else:
            text = ""
    except Exception:  # a damaged file: it is refused nowhere for that, the guard just has nothing to read
        text = ""
    finally:
        stream.seek(0)
    return text[:TEXT_CHARS]


# --- keeping and serving --------------------------------------------------------------------------------------


def attach(uploads, uploader, thread_id=None, post_id=None, service_id=None):
    """Keep `uploads` on the post (or the service), each with its event, a chunk at a time (call inside the post's
    transaction)."""
    kept = []
    with database.atomic():
        for upload in uploads:
            attachment = Attachment.create(
                post=post_id,
                service=service_id,
                uploader=uploader.id,
                organisation=uploader.organisation_id,
                name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                sha256="",
                created=now(),
            )
            digest = hashlib.sha256()
            upload.stream.seek(0)
            number = 0
            while data := upload.stream.read(CHUNK):
                digest.update(data)
                AttachmentChunk.insert(attachment=attachment.id, number=number, data=data).execute()
                number += 1
            Attachment.update(sha256=digest.hexdigest()).where(Attachment.id == attachment.id).execute()
            where = {"post": post_id} if post_id else {"service": service_id}
            record("attachment_added", uploader, thread_id, attachment=attachment.id, **where)
            kept.append(attachment)
    return kept


def content(attachment):
    """The file's bytes, a chunk at a time: one small query per chunk, never the whole file in memory."""
    numbers = [
        n
        for (n,) in AttachmentChunk.select(AttachmentChunk.number)
        .where(AttachmentChunk.attachment == attachment.id)
        .order_by(AttachmentChunk.number)
        .tuples()
    ]
    for number in numbers:
        data = (
            AttachmentChunk.select(AttachmentChunk.data)
            .where((AttachmentChunk.attachment == attachment.id) & (AttachmentChunk.number == number))
            .scalar()
        )
        yield bytes(data)


def kept_by(person):
    """The files `person` attached that are still held (for their subject-access export)."""
    return Attachment.select().where((Attachment.uploader == person.id) & Attachment.removed_at.is_null())


def remove(attachment, actor, reason):
    """Delete a file's content for good; its name goes too (a name can identify someone). The row stays, saying
    who removed it and why, with its event."""
    with database.atomic():
        updated = (
            Attachment.update(removed_at=now(), removed_by=actor.id, removed_reason=reason, name="removed", sha256="")
            .where((Attachment.id == attachment.id) & Attachment.removed_at.is_null())
            .execute()
        )
        if not updated:
            return False
        AttachmentChunk.delete().where(AttachmentChunk.attachment == attachment.id).execute()
        thread_id = attachment.post.thread_id if attachment.post_id else None
        where = {"post": attachment.post_id} if attachment.post_id else {"service": attachment.service_id}
        record("attachment_removed", actor, thread_id, attachment=attachment.id, reason=reason, **where)
    return True


def delete_for_posts(posts):
    """Retention: the attachments of `posts` (a query of post ids) go with them, content and all."""
    held = Attachment.select(Attachment.id).where(Attachment.post.in_(posts))
    AttachmentChunk.delete().where(AttachmentChunk.attachment.in_(held)).execute()
    Attachment.delete().where(Attachment.post.in_(posts)).execute()


def disposition(attachment):
    """Content-Disposition: images inline, everything else as a download; the name in both ASCII and UTF-8."""
    ascii_name = attachment.name.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "") or "file"
    quoted = quote(attachment.name, safe="")
    kind = "inline" if KINDS.get(attachment.content_type, KINDS["text/plain"]).inline else "attachment"
    return "%s; filename=\"%s\"; filename*=UTF-8''%s" % (kind, ascii_name, quoted)
