from dataclasses import dataclass

from pydantic import BaseModel


class ProviderOut(BaseModel):
    name: str
    login_url: str


@dataclass(frozen=True)
class CallbackParams:
    """What the provider appended to our callback URL."""

    code: str | None
    state: str | None
    error: str | None
    error_description: str | None


@dataclass(frozen=True)
class LoginStart:
    """Where to send the browser, and the login-state cookie to set (if any)."""

    location: str
    login_cookie: str | None
