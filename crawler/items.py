"""What spiders hand to the archive pipeline: one fetched document with its provenance."""

from dataclasses import dataclass, field


@dataclass
class DocumentItem:
    url: str  # the address it was requested from
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    agency: str
    kind: str  # report_page | attachment | listing
    referer: str | None = None
    method: str = "GET"  # POST for Hanweb's dataproxy.jsp listing records
    extra: dict = field(default_factory=dict)
