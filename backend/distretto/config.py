"""Settings read from the environment (prefix ``DISTRETTO_``)."""

from functools import lru_cache
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "distretto-development-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DISTRETTO_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./distretto.db"
    redis_url: str | None = None
    # Prefix of every Redis key and channel, so several deployments (or test runs) can
    # share one Redis without hearing each other.
    redis_namespace: str = "distretto"
    secret_key: str = DEVELOPMENT_SECRET
    jwt_issuer: str = "distretto"
    jwt_audience: str = "distretto-api"
    # Short: a stolen access token is worth little, and revocation (logout, a revoked
    # refresh family) is checked on every request anyway.
    access_token_minutes: int = 5
    refresh_token_days: int = 30
    login_attempts_per_window: int = 5
    login_window_seconds: int = 300
    # After the free attempts, each further failure from one address on one account
    # doubles the wait, from this many seconds up to the maximum.
    login_backoff_seconds: int = 2
    login_backoff_max_seconds: int = 900
    bid_rate_per_minute: int = 120
    flag_rate_per_minute: int = 30
    max_body_bytes: int = 1_048_576
    # Addresses or networks (CIDR) of the reverse proxies whose X-Forwarded-For is
    # believed; nobody's by default, and then the connection's peer is the client.
    trusted_proxies: list[str] = []
    cors_origins: list[str] = []
    docs_enabled: bool = True
    # When set, /metrics answers only to "Authorization: Bearer <token>" (Prometheus'
    # `authorization` credentials): the counters describe the whole district's traffic.
    metrics_token: str | None = None
    frontend_dist: str | None = None
    # Sign-in through an external OpenID Connect provider (all three must be set).
    oidc_provider_name: str = "sso"
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    ws_max_message_bytes: int = 4096
    ws_send_queue: int = 256
    ws_heartbeat_seconds: float = 20.0
    ws_lifetime_seconds: float = 3600.0
    # Documents (distretto.documents): where the bytes go and how big one file may be.
    documents_max_bytes: int = 20 * 1024 * 1024
    documents_storage: Literal["local", "s3"] = "local"
    documents_dir: str = "./distretto-data/documents"
    documents_s3_bucket: str | None = None
    documents_s3_endpoint: str | None = None
    documents_s3_region: str = "us-east-1"
    documents_s3_access_key_id: str | None = None
    documents_s3_secret_access_key: str | None = None
    documents_s3_prefix: str = "documents/"
    # Objects younger than this are never swept: their upload may still be committing.
    documents_sweep_grace_hours: float = 24.0
    # Email (distretto.mail): smtp://user:pass@host:port[?starttls=true] or smtps://…;
    # without it, mail is written as .eml files to mail_dir.
    smtp_url: str | None = None
    mail_from: str = "Distretto <noreply@distretto.example>"
    mail_dir: str = "./distretto-data/mail"
    mail_poll_seconds: float = 5.0
    # The mail sender and the scheduler run in every app process; off, only the CLI
    # (`distretto jobs run`, a CronJob) does that work.
    background_jobs: bool = True

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> "Settings":
        if self.environment != "development" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError(
                "DISTRETTO_SECRET_KEY must be set to a real secret outside development"
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("DISTRETTO_SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)


@lru_cache
def get_settings() -> Settings:
    return Settings()
