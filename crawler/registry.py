"""The agency registry: a YAML list of agencies to crawl. Data, not code.

    - name: 桐乡市公安局            # the agency as it names itself (required)
      site: https://www.tx.gov.cn/  # the site root (required)
      level: county                 # optional: national | provincial | prefecture | county | township
      region: 浙江省嘉兴市           # optional
      cms: hanweb                   # optional: trs | hanweb | platform | generic (fingerprinted when absent)
      column: https://www.tx.gov.cn/col/col1229427474/index.html   # optional: the report column
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

KNOWN_KEYS = {"name", "site", "level", "region", "cms", "column"}
FAMILIES = ("trs", "hanweb", "platform", "generic")


class RegistryError(Exception):
    """The registry file is missing or says something the crawler cannot use."""


@dataclass(frozen=True)
class Agency:
    name: str
    site: str
    level: str | None = None
    region: str | None = None
    cms: str | None = None
    column: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.site).hostname or ""

    @property
    def start_url(self) -> str:
        return self.column or self.site


def load_registry(path: str | Path) -> list[Agency]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise RegistryError(f"cannot read the agency registry {path}: {err.strerror or err}") from err
    except yaml.YAMLError as err:
        raise RegistryError(f"{path} is not valid YAML: {err}") from err
    return parse_registry(data, str(path))


def parse_registry(data, source: str = "registry") -> list[Agency]:
    if not isinstance(data, list) or not data:
        raise RegistryError(f"{source}: expected a non-empty list of agencies")
    agencies = [_agency(entry, f"{source} entry {n}") for n, entry in enumerate(data, 1)]
    seen: set[str] = set()
    for agency in agencies:
        if agency.name in seen:
            raise RegistryError(f"{source}: agency {agency.name} is listed twice")
        seen.add(agency.name)
    return agencies


def _agency(entry, where: str) -> Agency:
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: expected a mapping with name and site")
    unknown = set(entry) - KNOWN_KEYS
    if unknown:
        raise RegistryError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} "
                            f"(known: {', '.join(sorted(KNOWN_KEYS))})")
    for key in ("name", "site"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise RegistryError(f"{where}: '{key}' is required")
    for key in ("site", "column"):
        if entry.get(key) and urlsplit(entry[key]).scheme not in ("http", "https"):
            raise RegistryError(f"{where}: '{key}' must be an http(s) URL, not {entry[key]!r}")
    if entry.get("cms") and entry["cms"] not in FAMILIES:
        raise RegistryError(f"{where}: cms must be one of {', '.join(FAMILIES)}")
    return Agency(**{k: (str(v).strip() if v is not None else None) for k, v in entry.items()})
