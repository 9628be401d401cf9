"""The people of the seeded district, read back from the database, with access tokens.

Tokens are minted with the server's own signing key (the harness chose it) exactly as
``POST /auth/token`` mints them; signing in ten thousand users through argon2 would
benchmark the password hash, not the platform. ``check_sign_in`` proves the real
sign-in works for a seeded user.
"""

import random
from dataclasses import dataclass, field

import asyncpg

from bench.config import BENCH_PASSWORD
from bench.httpclient import HttpClient, Request
from distretto.auth.security import TokenService
from distretto.config import Settings


@dataclass(frozen=True)
class Person:
    user_id: int
    firm_id: int
    role: str


@dataclass
class FirmInfo:
    id: int
    status: str
    group_id: int | None
    region: str
    phases: set[str] = field(default_factory=set)
    people: list[Person] = field(default_factory=list)

    @property
    def actors(self) -> list[Person]:
        """Owner and managers: who may post, bid, award, deliver and accept."""
        return [p for p in self.people if p.role in ("owner", "manager")]


class Cast:
    def __init__(self, firms: dict[int, FirmInfo], people: list[Person], tokens: TokenService):
        self.firms = firms
        self.people = people
        self._tokens = tokens
        self._cache: dict[int, str] = {}
        self.by_phase: dict[str, list[FirmInfo]] = {}
        # Every firm of each user: the raw ceiling applies their visibility in its SQL.
        self.user_firms: dict[int, list[int]] = {}
        for person in people:
            self.user_firms.setdefault(person.user_id, []).append(person.firm_id)
        for firm in firms.values():
            if firm.status == "active":
                for phase in firm.phases:
                    self.by_phase.setdefault(phase, []).append(firm)

    @classmethod
    async def load(cls, conn: asyncpg.Connection, secret_key: str, database_url: str) -> "Cast":
        firms: dict[int, FirmInfo] = {}
        for row in await conn.fetch("SELECT id, status, ownership_group_id, region FROM firms"):
            firms[row["id"]] = FirmInfo(
                row["id"], row["status"], row["ownership_group_id"], row["region"]
            )
        for row in await conn.fetch("SELECT firm_id, phase_code FROM firm_phases"):
            firms[row["firm_id"]].phases.add(row["phase_code"])
        people = []
        for row in await conn.fetch(
            "SELECT user_id, firm_id, role FROM memberships m "
            "JOIN users u ON u.id = m.user_id WHERE u.is_active AND u.deleted_at IS NULL "
            "ORDER BY user_id"
        ):
            person = Person(row["user_id"], row["firm_id"], row["role"])
            firms[person.firm_id].people.append(person)
            people.append(person)
        settings = Settings(
            environment="production", secret_key=secret_key, database_url=database_url
        )
        return cls(firms, people, TokenService(settings))

    def token(self, user_id: int) -> str:
        token = self._cache.get(user_id)
        if token is None:
            token = self._cache[user_id] = self._tokens.mint_access(user_id)
        return token

    def auth(self, user_id: int) -> tuple[str, str]:
        return ("authorization", f"Bearer {self.token(user_id)}")

    def refresh_tokens(self) -> None:
        """Tokens live 15 minutes: scenarios that start later mint fresh ones."""
        self._cache.clear()

    def sample_people(self, rng: random.Random, count: int) -> list[Person]:
        return rng.sample(self.people, k=min(count, len(self.people)))


async def check_sign_in(client: HttpClient, conn: asyncpg.Connection) -> bool:
    """A seeded user signs in through the real password flow."""
    email = await conn.fetchval(
        "SELECT email FROM users WHERE NOT is_staff AND is_active ORDER BY id LIMIT 1"
    )
    form = f"username={email}&password={BENCH_PASSWORD}".replace("@", "%40").encode()
    response = await client.request(
        Request(
            "POST",
            "/api/v1/auth/token",
            body=form,
            headers=[("content-type", "application/x-www-form-urlencoded")],
        )
    )
    return response.status == 200
