"""Where each kind of triplestore keeps its endpoints, and how to tell which kind answers at a URL.

A profile turns one server root (BASE_URL) into query, update and Graph Store Protocol URLs, so users
give one URL and override single endpoints only for stores laid out differently (Fuseki, GraphDB).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from kg.shared.errors import ParameterError

AUTH_MODES = ("basic", "digest", "none")


@dataclass(frozen=True)
class Profile:
    """Paths below the server root and the store's behaviour the loader has to respect."""

    name: str
    query_path: str
    update_path: str
    gsp_path: str | None
    auth: str  # default --auth
    # True when a multi-operation update request commits or fails as a whole (SPARQL 1.1 Update says it
    # SHOULD). Virtuoso 7.2 commits the operations before a failing one, so its swap is sent graph by graph.
    atomic_update_request: bool


PROFILES: dict[str, Profile] = {
    "oxigraph": Profile("oxigraph", "/query", "/update", "/store", "none", True),
    "virtuoso": Profile("virtuoso", "/sparql", "/sparql-auth", "/sparql-graph-crud-auth", "digest", False),
    "generic": Profile("generic", "/sparql", "/sparql", None, "basic", True),
}


@dataclass(frozen=True)
class Endpoints:
    """The URLs one load or query talks to."""

    profile: Profile
    base_url: str
    query_url: str
    update_url: str
    gsp_url: str | None  # None: no Graph Store Protocol, load with INSERT DATA


def profile_from_server_header(server: str | None) -> str:
    """The profile for a `Server:` response header ("Oxigraph/0.5.13", "Virtuoso/07.20.3229 …")."""
    value = (server or "").strip().lower()
    if value.startswith("oxigraph"):
        return "oxigraph"
    if value.startswith("virtuoso"):
        return "virtuoso"
    return "generic"


def check_base_url(url: str, option: str = "BASE_URL") -> str:
    """Reject what is not an http(s) URL, or carries credentials, before any request is made."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ParameterError(f"{option}: expected an http:// or https:// URL, got {redact(url)!r}")
    if "@" in parts.netloc:
        raise ParameterError(
            f"{option}: do not put credentials in the URL (they end up in shell history): "
            "use KG_STORE_USER/KG_STORE_PASSWORD or ~/.netrc"
        )
    return url


def redact(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=host).geturl()


def resolve_endpoints(
    base_url: str,
    profile_name: str,
    *,
    query_url: str | None = None,
    update_url: str | None = None,
    gsp_url: str | None = None,
    use_gsp: bool = True,
) -> Endpoints:
    """Endpoints of a profile below BASE_URL, with explicit URLs taking precedence."""
    try:
        profile = PROFILES[profile_name]
    except KeyError:
        choices = ", ".join(PROFILES)
        raise ParameterError(f"--store: unknown store {profile_name!r} (choose from {choices})") from None
    root = check_base_url(base_url).rstrip("/")
    for option, value in (("--query-url", query_url), ("--update-url", update_url), ("--gsp-url", gsp_url)):
        if value is not None:
            check_base_url(value, option)
    gsp = gsp_url or (root + profile.gsp_path if profile.gsp_path else None)
    return Endpoints(
        profile=profile,
        base_url=root,
        query_url=query_url or root + profile.query_path,
        update_url=update_url or root + profile.update_path,
        gsp_url=gsp if use_gsp else None,
    )
