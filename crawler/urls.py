"""URL canonicalisation: one key per article however the site links to it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Parameters that never change what page is served.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "ref", "amp", "utm"}
)


def canonical_url(url: str) -> str:
    """Fold the variants under which one article is linked into one canonical URL.

    Lower-cases scheme and host, drops ``www.``, fragments, tracking parameters
    (``utm_*``, ``fbclid`` ...) and a trailing slash, and sorts the remaining query.

    Args:
        url: An absolute http(s) URL.

    Returns:
        The canonical form, e.g. ``https://infopublik.id/kategori/nusantara/1/slug``.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    netloc = host if parts.port is None or parts.port in (80, 443) else f"{host}:{parts.port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
        ]
    )
    path = parts.path or "/"
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    if len(path) > 1:
        path = path.rstrip("/")
    scheme = (
        "https" if parts.scheme in ("http", "https") and parts.port in (None, 443) else parts.scheme
    )
    return canonicalize_url(urlunsplit((scheme, netloc, path, query, "")))
