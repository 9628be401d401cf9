"""The identity provider's published configuration and signing keys, cached.

Discovery (``/.well-known/openid-configuration``) names the endpoints; the JWKS holds
the public keys that sign ID tokens. Both change rarely, so one process fetches them
once an hour, and the keys again at once when a token names a key we do not know
(the provider rotated its keys).
"""

import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.oidc.discovery import OpenIDProviderMetadata, get_well_known_url
from joserfc.jwk import KeySet

CACHE_SECONDS = 3600
HTTP_TIMEOUT = httpx.Timeout(10.0)


class ProviderUnavailable(Exception):
    """The provider cannot be reached or publishes something we cannot use."""


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    id_token_algorithms: tuple[str, ...]


_metadata: dict[str, tuple[float, ProviderMetadata]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


async def _get_json(url: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            response = await http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(f"cannot read {url}: {exc}") from exc
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"{url} did not return a JSON object")
    return data


def _same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


async def provider_metadata(issuer: str) -> ProviderMetadata:
    cached = _metadata.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    data = await _get_json(get_well_known_url(issuer, external=True))
    try:
        OpenIDProviderMetadata(data).validate()
    except ValueError as exc:
        raise ProviderUnavailable(f"unusable discovery document: {exc}") from exc
    # A document naming another issuer would let that issuer's tokens in (OIDC Discovery 4.3).
    if not _same_issuer(data["issuer"], issuer):
        raise ProviderUnavailable("the discovery document names a different issuer")
    metadata = ProviderMetadata(
        issuer=data["issuer"],
        authorization_endpoint=data["authorization_endpoint"],
        token_endpoint=data["token_endpoint"],
        jwks_uri=data["jwks_uri"],
        id_token_algorithms=tuple(data["id_token_signing_alg_values_supported"]),
    )
    _metadata[issuer] = (time.monotonic() + CACHE_SECONDS, metadata)
    return metadata


async def signing_keys(metadata: ProviderMetadata, *, refresh: bool = False) -> KeySet:
    cached = _keys.get(metadata.jwks_uri)
    if cached and cached[0] > time.monotonic() and not refresh:
        return cached[1]
    try:
        keys = KeySet.import_key_set(await _get_json(metadata.jwks_uri))  # type: ignore[arg-type]
    except ValueError as exc:
        raise ProviderUnavailable(f"unusable JWKS: {exc}") from exc
    _keys[metadata.jwks_uri] = (time.monotonic() + CACHE_SECONDS, keys)
    return keys
