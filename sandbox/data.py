"""Deterministic generated data: the same seed gives the same records and the same bytes."""

import io
import random
import zipfile
from datetime import datetime, timedelta

PROCESS_NAMES = ("Billing process", "Facturación Ñandú", "Überweisung", "Entrega almacén",
                 "Inbound délivrance", "Return flow", "Contrat été")
STATUSES = ("Open", "In Progress", "Completed", "Cancelled")
DOCUMENT_KINDS = (
    # (doc_type, name pattern, extension, content type)
    ("Invoice", "Factura nº %d", "pdf", "application/pdf"),
    ("Delivery note", "Lieferschein März %d", "xml", "application/xml"),
    ("Photo", "photo %d", "jpg", "image/jpeg"),
    ("Archive", "bundle %d", "zip", "application/zip"),
    ("Note", "notes %d", "txt", "text/plain"),
)
EPOCH = datetime(2024, 2, 9, 10, 30)


def make_content(rng, extension, size):
    """Bytes that look like a file of that kind, about ``size`` bytes long."""
    filler = bytes(rng.getrandbits(8) for _ in range(min(size, 4096)))
    filler = (filler * (size // max(len(filler), 1) + 1))[:size]
    text = filler.hex()[:size].encode()
    if extension == "pdf":
        return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + text + b"\n%%EOF\n"
    if extension == "xml":
        return b"<?xml version='1.0' encoding='UTF-8'?>\n<note><body>" + text + b"</body></note>\n"
    if extension == "jpg":
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + filler + b"\xff\xd9"
    if extension == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            info = zipfile.ZipInfo("readme.txt", date_time=(2024, 2, 9, 10, 30, 0))
            archive.writestr(info, text)
        return buffer.getvalue()
    return b"Note: " + text + b"\n"


def trackline_processes(seed, size):
    """(processes by id, files by doc id, doc ids sent without a Content-Type)."""
    rng = random.Random(seed)
    processes, files, no_content_type = {}, {}, set()
    doc_number = 98765
    for index in range(size):
        process_id = str(10000 + index)
        name = "%s %04d" % (PROCESS_NAMES[index % len(PROCESS_NAMES)], index + 1)
        count = 3 if index == 0 else rng.randint(0, 4)
        documents = []
        for position in range(count):
            kind = DOCUMENT_KINDS[position] if index == 0 else rng.choice(DOCUMENT_KINDS)
            doc_type, pattern, extension, content_type = kind
            doc_id = str(doc_number)
            doc_number += 1
            documents.append({"doc_id": doc_id,
                              "doc_name": "%s.%s" % (pattern % (position + 1), extension),
                              "doc_type": doc_type})
            files[doc_id] = make_content(rng, extension, rng.randint(200, 200_000))
            if rng.random() < 0.2:
                no_content_type.add(doc_id)
        processes[process_id] = {
            "process_id": process_id,
            "name": name,
            "status": STATUSES[0] if index < 3 else rng.choice(STATUSES),
            "created_at": (EPOCH + timedelta(hours=index * 7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "documents": documents,
        }
    _add_edge_documents(processes, files, size, doc_number)
    return processes, files, no_content_type


def _add_edge_documents(processes, files, size, doc_number):
    """An empty file and a large one (about 3 MB) on the second process, for the size cap."""
    if size < 2:
        return
    process = processes[str(10001)]
    for offset, (name, content) in enumerate((("empty scan.pdf", b""),
                                              ("large drawing.pdf",
                                               b"%PDF-1.4\n" + b"0" * 3_000_000 + b"\n%%EOF\n"))):
        doc_id = str(doc_number + offset)
        process["documents"].append({"doc_id": doc_id, "doc_name": name, "doc_type": "Scan"})
        files[doc_id] = content
