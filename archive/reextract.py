"""Re-derive every report from the stored bytes after an extractor change; nothing is fetched."""

from collections import Counter

from extract import EXTRACTOR_VERSION

from .errors import ArchiveError
from .reports import identity_of, store_reports, update_report
from .store import Fetched, extract_safely, now


def reextract_all(db, only_outdated: bool = False) -> Counter:
    counts: Counter = Counter()
    where = "where status != 'listing'"  # listing pages are evidence, never read for cells
    where += " and extractor_version != ?" if only_outdated else ""
    params = [EXTRACTOR_VERSION] if only_outdated else []
    for document in list(db.query(f"select sha256, content_type from documents {where} order by first_seen", params)):
        counts[reextract_document(db, document["sha256"], document["content_type"])] += 1
    return counts


def reextract_document(db, sha: str, content_type: str | None) -> str:
    fetch = next(db.query("select url, fetched_at from fetches where sha256 = ? order by fetched_at limit 1", [sha]))
    blob = next(db.query("select content from blobs where sha256 = ?", [sha]), None)
    if blob is None:
        raise ArchiveError(f"the stored bytes of document {sha} are missing from the archive; "
                           "nothing was changed for it")
    body = blob["content"]
    reports, status, reason, meta = extract_safely(Fetched(fetch["url"], body, fetch["fetched_at"],
                                                           content_type=content_type))
    with db.atomic():
        db["documents"].update(sha, {"status": status, "reason": reason, "format": meta.get("format"),
                                     "encoding": meta.get("encoding"), "extractor_version": EXTRACTOR_VERSION,
                                     "extracted_at": now()})
        existing = {row["doc_index"]: row for row in db.query(
            "select id, doc_index, agency from reports where document_sha256 = ? and status = 'current'", [sha])}
        for index, report in enumerate(reports):
            if row := existing.pop(index, None):
                agency = row["agency"] or report.agency
                update_report(db, row["id"], report, agency, identity_of(agency, report, sha, index))
            else:
                store_reports(db, [report], sha, fetch["url"], fetch["fetched_at"], start_index=index)
        for row in existing.values():  # the newer extractor no longer finds this report here
            db["reports"].update(row["id"], {"status": "withdrawn"})
    return status
