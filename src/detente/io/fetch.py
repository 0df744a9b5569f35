"""Fetch URLs for `detente ingest https://…`: a page is one article, a feed one per item.

Every request has a connect and read timeout (`--timeout`, 10 s), a size cap (5 MB, read as a
stream and abandoned past it: `too_large`) and says who it is (`USER_AGENT`). Redirects are
followed here, at most 5, so that each hop is checked like the first.

Server-side request forgery: a URL handed to a crawler can point inside the network it runs
in (a cloud metadata service at 169.254.169.254, an admin page on localhost, a database on
10.x). So the host is resolved and refused (`refused_address`) if *any* of its addresses is
loopback, private, link-local, multicast, reserved, unspecified or otherwise not globally
routable, unless the caller passes allow_private (`--allow-private`).

DNS rebinding: a name can resolve to a public address when checked and a private one a moment
later when the HTTP client looks it up again. So there is no second look-up: the connection is
made to the checked address itself (the URL's host replaced by it), with the Host header and
the TLS server name (SNI, which certificate checks use) still naming the original host, so
virtual hosting and HTTPS verify as usual. Proxy settings from the environment are ignored for
the same reason: a proxy would resolve the name on its own.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from datetime import date
from typing import Iterator

from .. import __version__
from ..errors import InputError
from ..model import Article
from .feeds import FEED_TYPES, is_feed, read_feed_bytes
from .readers import Rejected, decode, looks_binary

DEFAULT_TIMEOUT = 10.0
MAX_DOWNLOAD = 5 * 1024 * 1024
MAX_REDIRECTS = 5
# Who is asking, plainly; the project has no public home page to point at yet, so none is invented.
USER_AGENT = f"detente/{__version__} (political event coder; python-httpx)"
PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)

# the first that applies names an address's refusal
ADDRESS_CLASSES = (("is_loopback", "loopback"), ("is_link_local", "link-local"), ("is_unspecified", "unspecified"),
                   ("is_multicast", "multicast"), ("is_reserved", "reserved"), ("is_private", "private"))


@dataclass(frozen=True)
class Page:
    url: str                 # after redirects
    content_type: str        # the media type, lowercased, without parameters ("" when none is sent)
    charset: str | None
    body: bytes


def read_url(url: str, published: date | None = None, allow_private: bool = False,
             timeout: float | None = None) -> Iterator[Article | Rejected]:
    """The article of a page, or the articles of a feed's items."""
    page = fetch(url, allow_private, timeout or DEFAULT_TIMEOUT)
    if page.content_type in FEED_TYPES or is_feed(page.body):
        yield from read_feed_bytes(page.body, page.url, published)
        return
    media = PAGE_TYPES.get(page.content_type)
    if media is None:
        kind = "binary" if looks_binary(page.body[:8192]) else "unreadable"
        raise InputError(f"{url!r} is {page.content_type or 'of no stated type'}, not an HTML page, plain text "
                         "or an RSS/Atom feed", kind)
    charset = page.charset or _meta_charset(page.body)
    yield Article(raw=decode(page.body, url, charset), published=published, media_type=media, source=page.url)


def fetch(url: str, allow_private: bool = False, timeout: float = DEFAULT_TIMEOUT,
          max_bytes: int = MAX_DOWNLOAD) -> Page:
    """GET `url` (following up to MAX_REDIRECTS redirects, each checked) and return its body."""
    import httpx

    current = _parse(url, url)
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False,
                          headers={"User-Agent": USER_AGENT}) as client:
            for _ in range(MAX_REDIRECTS + 1):
                response = _send(client, current, checked_address(current, allow_private, url))
                try:
                    if response.is_redirect:
                        current = _parse(str(current.join(response.headers.get("location", ""))), url)
                        continue
                    if response.status_code >= 400:
                        raise InputError(f"cannot fetch {url!r}: the server answered HTTP {response.status_code} "
                                         f"{response.reason_phrase}", "fetch_failed")
                    return _page(current, response, max_bytes, url)
                finally:
                    response.close()
    except httpx.TimeoutException:
        raise InputError(f"cannot fetch {url!r}: no answer within {timeout:g} s; try again later, or allow "
                         "longer with --timeout", "fetch_failed") from None
    except httpx.HTTPError as exc:
        raise InputError(f"cannot fetch {url!r}: {exc or type(exc).__name__}", "fetch_failed") from None
    raise InputError(f"cannot fetch {url!r}: it redirects more than {MAX_REDIRECTS} times", "fetch_failed")


def _parse(raw: str, asked: str):
    import httpx

    try:
        parsed = httpx.URL(raw)
    except httpx.InvalidURL as exc:
        raise InputError(f"{asked!r} is not a valid URL ({exc})", "fetch_failed") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InputError(f"cannot fetch {raw!r} (from {asked!r}): only http:// and https:// URLs with a host are "
                         "fetched", "fetch_failed")
    return parsed


def checked_address(url, allow_private: bool, asked: str) -> str | None:
    """The address to connect to for `url`'s host: every address it resolves to is checked,
    and the first is used, so the connection goes where the check looked. None with
    allow_private: nothing is checked, and the client tries each address of the name."""
    if allow_private:
        return None
    addresses = resolve(url.host, url.port or (443 if url.scheme == "https" else 80))
    for address in addresses:
        why = refusal(address)
        if why:
            raise InputError(f"refused to fetch {asked!r}: {url.host!r} resolves to {address}, a {why} address; "
                             "pass --allow-private if you mean to fetch from your own network", "refused_address")
    return addresses[0]


def resolve(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"cannot fetch from {host!r}: the name does not resolve ({exc})", "fetch_failed") from None
    return list(dict.fromkeys(info[4][0] for info in found))


def refusal(address: str) -> str | None:
    """Why an address may not be fetched without --allow-private ("loopback", …), or None."""
    ip = ipaddress.ip_address(address.split("%")[0])  # an IPv6 zone ("fe80::1%eth0") is no part of it
    if getattr(ip, "ipv4_mapped", None) is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for flag, name in ADDRESS_CLASSES:
        if getattr(ip, flag):
            return name
    return None if ip.is_global else "non-global"


def _send(client, url, address: str | None):
    pinned = url.copy_with(host=address) if address else url
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    request = client.build_request("GET", pinned, headers={"Host": url.netloc.decode("ascii")}, extensions=extensions)
    return client.send(request, stream=True)


def _page(url, response, max_bytes: int, asked: str) -> Page:
    media, _, params = response.headers.get("content-type", "").partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"')
    return Page(str(url), media.strip().lower(), charset, _body(response, max_bytes, asked))


def _body(response, max_bytes: int, asked: str) -> bytes:
    too_large = InputError(f"{asked!r} is over the {max_bytes // 1024:,} KB download limit: save the page and "
                           "ingest the file", "too_large")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks, total = [], 0
    for chunk in response.iter_bytes():  # decompressed: the cap holds against a zip bomb too
        total += len(chunk)
        if total > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _meta_charset(body: bytes) -> str | None:
    match = META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii") if match else None
