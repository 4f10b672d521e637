"""The source registry: ``sources.toml`` loaded and validated into :class:`Source` objects.

A source is data, not code: id, base URL, discovery entry points and URL patterns. Only a
source that needs behaviour the generic spider lacks gets its own spider module, named
after its id.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
DISCOVERY_KINDS = ("sitemap", "feed", "listing")
# Hard ceiling of concurrent requests per host; a source may only ask for fewer.
MAX_CONCURRENCY = 2


class SourceConfigError(ValueError):
    """A ``sources.toml`` entry is malformed; the message names the source and field."""


@dataclass(frozen=True)
class Source:
    """One news source, as configured.

    Attributes:
        id: Stable identifier; also the spider name when the source has its own spider.
        name: Human-readable outlet name.
        base_url: Scheme and host (and port) the crawl stays on; overridable per run.
        province: Province the outlet covers (e.g. "Kalimantan Tengah"), or "Nasional".
        region: Regency/city or narrower coverage, when the outlet is local.
        article_pattern: Regex matched against a URL *path* that identifies article pages.
        listing_pattern: Regex for listing/pagination paths, used to find the next listing page
            when a listing step has no ``next`` template and the page has no ``rel=next`` link.
        discovery: Entry points in order of preference, each
            ``{"kind": "sitemap"|"feed"|"listing", "path": ..., "next"?: ..., "follow"?: ...}``.
        enabled: Whether ``pantau run`` crawls it.
        download_delay: Seconds between requests (may only be raised above the default).
        max_concurrency: Concurrent requests to the host (may only be lowered below 2).
        max_listing_pages: Upper bound of listing pages per run (back-fill safety).
        max_articles_per_run: Upper bound of article requests per run: a first run against a
            big sitemap back-fills over several nights instead of one endless crawl.
        expected_days: Cadence: silence longer than this many days is reported loudly.
        spider: Spider name to use (defaults to the generic ``news`` spider).
    """

    id: str
    name: str
    base_url: str
    province: str
    article_pattern: str
    listing_pattern: str = r"$^"
    discovery: tuple[dict[str, str], ...] = ()
    region: str = ""
    enabled: bool = True
    download_delay: float = 1.0
    max_concurrency: int = 2
    max_listing_pages: int = 50
    max_articles_per_run: int = 500
    expected_days: int = 7
    spider: str = "news"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def allowed_netlocs(self) -> frozenset[str]:
        """The source's host:port with and without ``www.``: the only ones ever requested."""
        parts = urlsplit(self.base_url)
        host = (parts.hostname or "").lower().removeprefix("www.")
        port = f":{parts.port}" if parts.port else ""
        return frozenset({f"{host}{port}", f"www.{host}{port}"})

    @property
    def netloc(self) -> str:
        """Host (and port) of :attr:`base_url`, the only one the crawl may request."""
        return urlsplit(self.base_url).netloc.lower()

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this source."""
        return urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/"))

    def with_base_url(self, base_url: str) -> Source:
        """The same source pointed at a mirror or replica (tests, archives)."""
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceConfigError(
                f"{self.id}: --base-url must be http(s)://host[:port], got {base_url!r}"
            )
        return replace(self, base_url=f"{parts.scheme}://{parts.netloc}")


def _require(entry: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in entry:
        raise SourceConfigError(f"{where}: missing required field {key!r}")
    value = entry[key]
    if not isinstance(value, kind):
        raise SourceConfigError(f"{where}: field {key!r} must be {kind.__name__}, got {value!r}")
    return value


def _parse(entry: dict[str, Any], index: int, default_delay: float) -> Source:
    where = f"source #{index + 1}"
    sid = _require(entry, "id", str, where)
    where = f"source {sid!r}"
    if not ID_RE.match(sid):
        raise SourceConfigError(f"{where}: id must match {ID_RE.pattern}")
    base_url = _require(entry, "base_url", str, where)
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise SourceConfigError(f"{where}: base_url must start with http:// or https://")
    for key in ("article_pattern", "listing_pattern"):
        if key in entry:
            try:
                re.compile(entry[key])
            except re.error as exc:
                raise SourceConfigError(f"{where}: {key} is not a valid regex: {exc}") from exc
    discovery = entry.get("discovery", [])
    if not isinstance(discovery, list) or not discovery:
        raise SourceConfigError(f"{where}: discovery must be a non-empty list of entry points")
    for step in discovery:
        if (
            not isinstance(step, dict)
            or step.get("kind") not in DISCOVERY_KINDS
            or "path" not in step
        ):
            raise SourceConfigError(
                f"{where}: each discovery entry needs kind in {DISCOVERY_KINDS} and a path, got {step!r}"
            )
    for step in discovery:
        if step["kind"] == "listing" and "next" in step and "{n}" not in step["next"]:
            raise SourceConfigError(
                f"{where}: listing 'next' template must contain {{n}}, got {step['next']!r}"
            )
        if "follow" in step:
            try:
                re.compile(step["follow"])
            except re.error as exc:
                raise SourceConfigError(
                    f"{where}: sitemap 'follow' is not a valid regex: {exc}"
                ) from exc
        unknown = set(step) - {"kind", "path", "next", "follow"}
        if unknown:
            raise SourceConfigError(
                f"{where}: unknown discovery keys {sorted(unknown)} in {step!r}"
            )
    article_re = re.compile(_require(entry, "article_pattern", str, where))
    for key, should in (("article_examples", True), ("non_article_examples", False)):
        examples = entry.get(key, [])
        if not isinstance(examples, list):
            raise SourceConfigError(f"{where}: {key} must be a list of URL paths")
        for example in examples:
            if bool(article_re.match(str(example))) != should:
                verb = "does not match" if should else "matches"
                raise SourceConfigError(
                    f"{where}: article_pattern {verb} {key[:-1].replace('_', ' ')} {example!r}"
                )
    concurrency = entry.get("max_concurrency", MAX_CONCURRENCY)
    if not isinstance(concurrency, int) or not 1 <= concurrency <= MAX_CONCURRENCY:
        raise SourceConfigError(
            f"{where}: max_concurrency must be an integer 1..{MAX_CONCURRENCY} (overrides may only slow down)"
        )
    for key in ("max_listing_pages", "max_articles_per_run", "expected_days"):
        if key in entry and (not isinstance(entry[key], int) or entry[key] < 1):
            raise SourceConfigError(f"{where}: {key} must be a positive integer")
    if "enabled" in entry and not isinstance(entry["enabled"], bool):
        raise SourceConfigError(f"{where}: enabled must be true or false")
    delay = float(entry.get("download_delay", default_delay))
    if delay < default_delay:
        # Per-source politeness may only make the crawl gentler.
        raise SourceConfigError(
            f"{where}: download_delay {delay} is below the global {default_delay}; overrides may only slow down"
        )
    known = {f for f in Source.__dataclass_fields__ if f != "extra"}
    documentation = {"article_examples", "non_article_examples"}
    typos = set(entry) - known - documentation
    if typos:
        # A misspelt politeness key silently ignored would make the crawl ruder than intended.
        raise SourceConfigError(f"{where}: unknown fields {sorted(typos)}; known: {sorted(known)}")
    extra = {k: v for k, v in entry.items() if k in documentation}
    return Source(
        id=sid,
        name=_require(entry, "name", str, where),
        base_url=base_url.rstrip("/"),
        province=_require(entry, "province", str, where),
        region=str(entry.get("region", "")),
        article_pattern=_require(entry, "article_pattern", str, where),
        listing_pattern=str(entry.get("listing_pattern", r"$^")),
        discovery=tuple(dict(step) for step in discovery),
        enabled=bool(entry.get("enabled", True)),
        download_delay=delay,
        max_concurrency=concurrency,
        max_listing_pages=int(entry.get("max_listing_pages", 50)),
        max_articles_per_run=int(entry.get("max_articles_per_run", 500)),
        expected_days=int(entry.get("expected_days", 7)),
        spider=str(entry.get("spider", "news")),
        extra=extra,
    )


def load_sources(path: str | Path | None = None, default_delay: float = 1.0) -> dict[str, Source]:
    """Load and validate the source registry.

    Args:
        path: A ``sources.toml``; defaults to ``$PANTAU_SOURCES`` when set (an operator's own
            registry), else the one shipped in this package.
        default_delay: The global download delay, the floor for per-source overrides.

    Returns:
        Sources by id, in file order.

    Raises:
        SourceConfigError: With the source and field at fault.
    """
    if path is None and os.environ.get("PANTAU_SOURCES"):
        path = os.environ["PANTAU_SOURCES"]
    if path is None:
        text = resources.files("crawler").joinpath("sources.toml").read_text("utf-8")
        origin = "crawler/sources.toml"
    else:
        text = Path(path).read_text("utf-8")
        origin = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceConfigError(f"{origin}: not valid TOML: {exc}") from exc
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourceConfigError(f"{origin}: expected one or more [[source]] tables")
    sources: dict[str, Source] = {}
    for i, entry in enumerate(entries):
        src = _parse(entry, i, default_delay)
        if src.id in sources:
            raise SourceConfigError(f"{origin}: duplicate source id {src.id!r}")
        sources[src.id] = src
    return sources
