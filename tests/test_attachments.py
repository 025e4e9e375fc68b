"""Attachments: files on posts, typed from their content, kept in the database in chunks, served only to those who
may see the post, read by the personal-data guard, removed by the steward, by retention, and exported."""

import gc
import io
import json
import re
import sqlite3
import tempfile
import time
import tracemalloc
import zipfile

import pytest
from playhouse.test_utils import count_queries
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart, stream_encode_multipart

from portal import attachments, demo, operations, retention, tracking
from portal.db import is_sqlite
from portal.demo import simple_pdf as pdf
from portal.models import Attachment, AttachmentChunk, Event, Post, Thread

from .builders import make_attachment, make_org, make_request, make_service, make_steward, make_thread, make_user


def office(kind, text="Minutes of the meeting"):
    """A small DOCX, XLSX or ODT made as office programs make them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "odt":
            archive.writestr(zipfile.ZipInfo("mimetype"), attachments.ODT)  # first and stored, as the format says
            archive.writestr(
                "content.xml", "<office:document-content><text:p>%s</text:p></office:document-content>" % text
            )
            archive.writestr("META-INF/manifest.xml", "<manifest/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("_rels/.rels", "<Relationships/>")
            if kind == "docx":
                archive.writestr(
                    "word/document.xml",
                    "<w:document><w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>" % text,
                )
            else:
                archive.writestr("xl/workbook.xml", "<workbook/>")
                archive.writestr("xl/sharedStrings.xml", "<sst><si><t>%s</t></si></sst>" % text)
    return out.getvalue()


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005fe02fe0dc2c7c00000000049454e44ae426082"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def files(*pairs):
    return [(io.BytesIO(content), name) for name, content in pairs]


def reply_with(client, thread, body="Here is the form.", **form):
    data = {"body": body, "attachments": form.pop("attachments", [])} | form
    return client.post("/threads/%d/reply" % thread.id, data=data, content_type="multipart/form-data")


@pytest.fixture
def charity():
    return make_org("Salisbury House")


@pytest.fixture
def author(charity):
    return make_user(charity, name="Ann Author")


def test_a_new_thread_takes_files_from_a_plain_form_and_shows_them_with_name_type_and_size(as_person, author):
    client = as_person(author)
    form = client.get("/threads/new").text
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and "multiple" in form
    response = client.post(
        "/threads/new",
        data={
            "kind": "update",
            "title": "Referral form",
            "body": "The new form.",
            "visibility": "all",
            "attachments": files(("Referral form.pdf", pdf("Referral form"))),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    attachment = Attachment.get()
    assert (attachment.name, attachment.content_type) == ("Referral form.pdf", "application/pdf")
    assert attachment.post_id == Post.get().id and Event.get(Event.action == "attachment_added")
    page = client.get(response.location).text
    assert "Referral form.pdf" in page and "PDF, " in page and "/files/%d/" % attachment.id in page


@pytest.mark.parametrize(
    "name, content, content_type, shown",
    [
        ("minutes.docx", office("docx"), attachments.DOCX, "Word document"),
        ("budget.xlsx", office("xlsx"), attachments.XLSX, "Excel spreadsheet"),
        ("minutes.odt", office("odt"), attachments.ODT, "OpenDocument text"),
        ("photo.png", PNG, "image/png", "PNG image"),
        ("photo.jpg", JPEG, "image/jpeg", "JPEG image"),
        ("notes.txt", "Café hours: 9–5\n".encode(), "text/plain", "Plain text"),
        # the content decides, not the name
        ("minutes.pdf", office("docx"), attachments.DOCX, "Word document"),
    ],
)
def test_each_type_is_told_from_its_content(as_person, author, name, content, content_type, shown):
    thread = make_thread(author)
    client = as_person(author)
    assert reply_with(client, thread, attachments=files((name, content))).status_code == 303
    attachment = Attachment.get()
    assert attachment.content_type == content_type and attachment.size == len(content)
    assert shown in client.get("/threads/%d" % thread.id).text


@pytest.mark.parametrize(
    "name, content",
    [
        ("archive.pdf", None),  # a plain zip, named as a PDF
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 200),
        ("page.html", b"<html>\x00<script>alert(1)</script>"),
        ("fake.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("latin1.txt", "caf\xe9".encode("latin-1") + b"\x00\x01"),
    ],
)
def test_other_types_are_refused_next_to_the_field_keeping_the_text(as_person, author, name, content):
    if content is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "hello")
        content = out.getvalue()
    thread = make_thread(author)
    response = reply_with(as_person(author), thread, body="Typed with care", attachments=files((name, content)))
    assert response.status_code == 422
    assert "is not a file the portal takes" in response.text and "Typed with care" in response.text
    assert 'id="attachments-error"' in response.text
    assert Attachment.select().count() == 0 and Post.select().count() == 1


def multipart(client, path, fields):
    """Post `fields` as a browser would, the body built in memory (the test client would spool a large one to a
    file of its own that nothing closes when the portal refuses the body unread)."""
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/threads/new").text).group(1)
    fields = {"csrf_token": token, **fields}
    boundary, body = encode_multipart(MultiDict(fields))
    return client.post(path, data=body, content_type="multipart/form-data; boundary=%s" % boundary, csrf=False)


def test_a_file_too_large_is_refused_next_to_the_field_keeping_everything_typed(app, as_person, author):
    app.config["ATTACHMENT_MAX_MB"] = 1
    try:
        client = as_person(author)
        fields = {"kind": "update", "title": "Kept title", "body": "Kept body", "visibility": "all"}
        too_large = FileStorage(io.BytesIO(b"a" * (1024 * 1024 + 1)), "big.txt")
        response = multipart(client, "/threads/new", fields | {"attachments": too_large})
        assert response.status_code == 422
        assert "files can be at most 1.0 MB" in response.text and "choose it again" in response.text
        assert 'value="Kept title"' in response.text and "Kept body" in response.text
        # far too large for the form: a plain page says why, not a crash
        huge = FileStorage(io.BytesIO(b"a" * (7 * 1024 * 1024)), "huge.txt")
        refused = multipart(client, "/threads/new", fields | {"attachments": huge})
        assert refused.status_code == 413 and "Files can be at most 1 MB each" in refused.text
    finally:
        app.config["ATTACHMENT_MAX_MB"] = 10
    assert Thread.select().count() == 0


def test_a_form_refused_for_another_reason_asks_for_the_files_again(as_person, author):
    response = reply_with(as_person(author), make_thread(author), body="", attachments=files(("a.txt", b"Hello")))
    assert response.status_code == 422 and "Choose your files again" in response.text


def test_names_are_made_safe_and_end_in_the_type_the_content_is():
    assert attachments.safe_name("../../etc/pass\x00wd.pdf", "application/pdf") == "pass wd.pdf"
    assert attachments.safe_name("C:\\Users\\ann\\form.PDF", "application/pdf") == "form.pdf"
    assert attachments.safe_name("invoice.exe", "application/pdf") == "invoice.exe.pdf"
    assert attachments.safe_name("\u202egnp.exe", "image/png") == "gnp.exe.png"
    assert attachments.safe_name("...", "text/plain") == "attachment.txt"
    long = attachments.safe_name("a" * 500 + ".pdf", "application/pdf")
    assert len(long) == attachments.NAME_LENGTH and long.endswith(".pdf")


def test_a_file_is_served_as_a_download_that_cannot_run(as_person, author):
    attachment = make_attachment(Post.get(Post.thread == make_thread(author).id), "notes.txt", b"Open at 9\n")
    client = as_person(make_user())
    response = client.get("/files/%d/notes.txt" % attachment.id)
    assert response.status_code == 200 and response.data == b"Open at 9\n"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="notes.txt"')
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert response.headers["Content-Length"] == "10"
    wrong_name = client.get("/files/%d/other.txt" % attachment.id)
    assert wrong_name.status_code == 301 and wrong_name.location.endswith("/files/%d/notes.txt" % attachment.id)
    moved = client.get("/attachments/%d/notes.txt" % attachment.id)  # the address before December 2026
    assert moved.status_code == 301 and moved.location.endswith("/files/%d/notes.txt" % attachment.id)


def test_an_image_may_show_inline_and_a_name_beyond_ascii_survives(as_person, author):
    attachment = make_attachment(Post.get(Post.thread == make_thread(author).id), "Café plan.png", PNG)
    response = as_person(author).get("/files/%d/Café plan.png" % attachment.id)
    assert response.status_code == 200 and response.data == PNG
    assert (
        response.headers["Content-Disposition"]
        == "inline; filename=\"Caf plan.png\"; filename*=UTF-8''Caf%C3%A9%20plan.png"
    )


def test_files_are_seen_only_by_those_who_may_see_the_post_and_others_get_what_a_missing_one_gets(as_person):
    charity, council, other = make_org(), make_org(kind="local_authority"), make_org()
    asker, steward = make_user(charity), make_steward()
    restricted = make_request(asker, [council], visibility="restricted")
    attachment = make_attachment(Post.get(Post.thread == restricted.id))
    path = "/files/%d/notes.txt" % attachment.id
    outsider = as_person(make_user(other))
    missing = outsider.get("/files/%d/notes.txt" % (attachment.id + 1000))
    refused = outsider.get(path)
    assert refused.status_code == missing.status_code == 404 and refused.text == missing.text
    assert outsider.get("/attachments/%d/notes.txt" % attachment.id).status_code == 404
    assert as_person(make_user(council)).get(path).status_code == 200
    Post.update(hidden=True).execute()  # a hidden post's files are the steward's
    assert as_person(make_user(council)).get(path).status_code == 404
    assert as_person(steward).get(path).status_code == 200
    assert as_person(make_user(council)).get("/threads/%d" % restricted.id).text.count("notes.txt") == 0


def test_the_guard_reads_the_text_of_files_and_warns_as_for_posts(as_person, author):
    thread = make_thread(author)
    client = as_person(author)
    details = files(("referral.pdf", pdf("Call him on 07700 900123")))
    held = reply_with(client, thread, body="Referral attached", attachments=details)
    assert held.status_code == 422
    assert "The attached file looks like it has a phone number" in held.text and "choose the file again" in held.text
    assert "I have checked: these details are needed here" in held.text and "Referral attached" in held.text
    assert Attachment.select().count() == 0
    details = files(("referral.pdf", pdf("Call him on 07700 900123")))
    kept = reply_with(client, thread, body="Referral attached", attachments=details, confirm_personal="y")
    assert kept.status_code == 303 and Attachment.select().count() == 1
    assert Event.get(Event.action == "personal_data_confirmed").data["kinds"] == ["phone"]


@pytest.mark.parametrize("kind", ["docx", "txt"])
def test_the_guard_reads_word_documents_and_text_too(as_person, author, kind):
    content = office("docx", "DOB: 12/03/1985") if kind == "docx" else b"DOB: 12/03/1985\n"
    held = reply_with(as_person(author), make_thread(author), attachments=files(("form." + kind, content)))
    assert held.status_code == 422 and "The attached file looks like it has a date of birth" in held.text


def test_reading_a_files_text_is_bounded_against_decompression_bombs():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:t>" + "a" * (200 * 1024 * 1024) + "</w:t>")
    assert len(out.getvalue()) < 1024 * 1024  # 200 MB of text in well under 1 MB
    upload = attachments.inspect("bomb.docx", io.BytesIO(out.getvalue()), 10 * 1024 * 1024)
    started = time.monotonic()
    text = attachments.text_of(upload)
    assert len(text) <= attachments.TEXT_CHARS and time.monotonic() - started < 5


def test_the_steward_removes_a_file_for_good_and_the_reason_stays(as_person, author):
    thread = make_thread(author)
    attachment = make_attachment(Post.get(Post.thread == thread.id), "Jo Bloggs.txt", b"Jo's details")
    path = "/files/%d/remove" % attachment.id
    assert as_person(author).get(path).status_code == 403
    steward = as_person(make_steward())
    page = steward.get(path)
    assert page.status_code == 200 and "Remove this file for good?" in page.text
    assert steward.post(path, data={"reason": "", "confirmed": "yes"}).status_code == 422
    done = steward.post(path, data={"reason": "a client's details", "confirmed": "yes"})
    assert done.status_code == 303
    removed = Attachment.get_by_id(attachment.id)
    assert removed.removed and removed.name == "removed" and removed.removed_reason == "a client's details"
    assert AttachmentChunk.select().count() == 0
    assert Event.get(Event.action == "attachment_removed").data["reason"] == "a client's details"
    shown = as_person(author).get("/threads/%d" % thread.id).text
    assert "A file was removed by the steward: a client&#39;s details" in shown and "Jo Bloggs" not in shown
    assert steward.get("/files/%d/removed.txt" % attachment.id).status_code == 404


def test_retention_removes_files_with_their_posts(author):
    thread = make_thread(author)
    make_attachment(Post.get(Post.thread == thread.id))
    retention.remove(thread)
    assert Attachment.select().count() == AttachmentChunk.select().count() == 0


def test_the_subject_access_export_holds_the_persons_files(as_person, author):
    make_attachment(Post.get(Post.thread == make_thread(author).id), "minutes.txt", b"Minutes\n")
    response = as_person(make_steward()).get("/people/%d/export" % author.id)
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    attachment = Attachment.get()
    assert archive.read("files/%d-minutes.txt" % attachment.id) == b"Minutes\n"
    assert json.loads(archive.read("attachments.json"))[0]["name"] == "minutes.txt"


def big_file(size):
    chunk = b"Plain text for the referral team.\n" * 1000
    held = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
    while held.tell() < size:
        held.write(chunk[: size - held.tell()])
    held.seek(0)
    return held


def test_a_ten_megabyte_upload_and_download_grow_memory_by_well_under_fifty_megabytes(as_person, author):
    size = 10 * 1024 * 1024
    thread = make_thread(author)
    client = as_person(author)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/threads/new").text).group(1)
    with big_file(size) as held:
        fields = {"csrf_token": token, "body": "The list.", "attachments": FileStorage(held, "big.txt")}
        body, length, boundary = stream_encode_multipart(MultiDict(fields))  # on disk, as a browser's upload
    with body:
        gc.collect()
        tracemalloc.start()
        response = client.post(
            "/threads/%d/reply" % thread.id,
            input_stream=body,
            content_length=length,
            content_type="multipart/form-data; boundary=%s" % boundary,
            csrf=False,
        )
        _, upload_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert response.status_code == 303, response.text
    attachment = Attachment.get()
    assert attachment.size == size and AttachmentChunk.select().count() == size // attachments.CHUNK
    gc.collect()
    tracemalloc.start()
    download = client.get("/files/%d/big.txt" % attachment.id, buffered=False)
    received = sum(len(chunk) for chunk in download.response)
    download.close()
    _, download_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert received == size
    assert upload_peak < 20 * 1024 * 1024, upload_peak
    assert download_peak < 10 * 1024 * 1024, download_peak


def test_a_backup_holds_the_files(app, author, tmp_path):
    if not is_sqlite():
        pytest.skip("a PostgreSQL backup is pg_dump's copy of every table")
    attachment = make_attachment(Post.get(Post.thread == make_thread(author).id), "notes.txt", b"Backed up\n")
    with app.app_context():
        operations.backup(tmp_path / "backup.db")
    copy = sqlite3.connect(str(tmp_path / "backup.db"))
    assert copy.execute("SELECT data FROM attachment_chunk WHERE attachment_id = ?", (attachment.id,)).fetchone() == (
        b"Backed up\n",
    )
    copy.close()


def attach_to_service(client, service, *pairs, **form):
    data = {"attachments": files(*pairs)} | form
    return client.post("/services/%d/attachments" % service.id, data=data, content_type="multipart/form-data")


def test_a_services_keepers_attach_its_referral_form_and_every_member_may_read_it(as_person, charity, author):
    service = make_service(author, name="Crash pads")
    outsider = as_person(make_user(make_org()))
    page = outsider.get("/services/%d" % service.id).text
    assert "No forms or documents yet" in page and 'type="file"' not in page
    assert attach_to_service(outsider, service, ("form.pdf", pdf("Referral form"))).status_code == 403
    keeper = as_person(make_user(charity))
    assert 'enctype="multipart/form-data"' in keeper.get("/services/%d" % service.id).text
    response = attach_to_service(keeper, service, ("Referral form.pdf", pdf("Referral form")))
    assert response.status_code == 303 and response.location.endswith("/services/%d#files" % service.id)
    attachment = Attachment.get()
    assert attachment.service_id == service.id and attachment.post_id is None
    assert Event.get(Event.action == "attachment_added").data["service"] == service.id
    page = outsider.get("/services/%d" % service.id).text
    assert "Referral form.pdf" in page and "PDF, " in page and "Remove" not in page
    download = outsider.get("/files/%d/Referral form.pdf" % attachment.id)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_a_service_file_is_refused_next_to_the_field_and_held_by_the_guard(as_person, author):
    service = make_service(author)
    client = as_person(author)
    refused = attach_to_service(client, service, ("form.pdf", b"MZ" + b"\x00" * 100))
    assert refused.status_code == 422 and "is not a file the portal takes" in refused.text
    assert attach_to_service(client, service).status_code == 422
    held = attach_to_service(client, service, ("notes.txt", b"Call 07700 900123"))
    assert held.status_code == 422 and "I have checked: these details are needed here" in held.text
    kept = attach_to_service(client, service, ("notes.txt", b"Call 07700 900123"), confirm_personal="y")
    assert kept.status_code == 303 and Attachment.select().count() == 1


def test_a_refused_service_file_puts_error_first_in_the_page_title(as_person, author):
    service = make_service(author, name="Crash pads")
    client = as_person(author)
    assert "<title>Crash pads," in client.get("/services/%d" % service.id).text
    refused = attach_to_service(client, service, ("setup.exe", b"MZ" + b"\x00" * 100))
    assert refused.status_code == 422 and "<title>Error: Crash pads," in refused.text


def test_a_services_keepers_and_the_steward_remove_its_files(as_person, charity, author):
    service = make_service(author)
    attach_to_service(as_person(author), service, ("old form.txt", b"Old form"))
    attachment = Attachment.get()
    path = "/files/%d/remove" % attachment.id
    assert as_person(make_user(make_org())).post(path, data={"reason": "x", "confirmed": "yes"}).status_code == 403
    done = as_person(make_user(charity)).post(path, data={"reason": "out of date", "confirmed": "yes"})
    assert done.status_code == 303 and Attachment.get().removed and AttachmentChunk.select().count() == 0
    assert "A file was removed: out of date" in as_person(author).get("/services/%d" % service.id).text


def test_the_demo_night_shelter_has_its_referral_form():
    demo.seed()
    form = Attachment.get(Attachment.name == "Night shelter referral form.pdf")
    assert form.service.name == demo.NIGHT_SHELTER_SERVICE and form.content_type == "application/pdf"
    content = b"".join(attachments.content(form))
    upload = attachments.Upload(form.name, form.content_type, form.size, io.BytesIO(content))
    assert "referral form" in attachments.text_of(upload)


def test_a_reply_with_files_by_htmx_shows_them(as_person, author):
    thread = make_thread(author)
    data = {"body": "The form", "attachments": files(("form.txt", b"Referral form"))}
    response = as_person(author).post(
        "/threads/%d/reply" % thread.id, data=data, content_type="multipart/form-data", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "form.txt" in response.text and "<html" not in response.text


def test_the_files_on_a_thread_page_cost_one_query_and_none_without_files(as_person, author):
    thread = make_thread(author)
    for number in range(3):
        tracking.reply(thread, author, "Reply %d" % number)
    client = as_person(author)
    path = "/threads/%d" % thread.id
    client.get(path)
    with count_queries() as without_files:
        client.get(path)
    for post in Post.select():
        make_attachment(post, "file %d.txt" % post.id)
    with count_queries() as with_files:
        page = client.get(path).text
    assert page.count(".txt</a>") == 4 and with_files.count == without_files.count + 1
