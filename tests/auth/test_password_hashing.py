"""The test run hashes passwords cheaply (conftest's ``environment="test"``); production
must keep argon2id at full strength. This test holds the production parameters."""

from argon2 import Type, extract_parameters

from distretto.auth.security import make_hasher
from distretto.config import Settings
from tests.helpers import PASSWORD

SECRET = "a-production-secret-long-enough-0123456789"


def test_production_hashes_with_full_strength_argon2id() -> None:
    hasher = make_hasher(Settings(environment="production", secret_key=SECRET))
    stored = hasher.hash(PASSWORD)
    parameters = extract_parameters(stored)
    # RFC 9106's low-memory profile: the floor an offline guess must pay for every try.
    assert parameters.type is Type.ID
    assert parameters.time_cost >= 3
    assert parameters.memory_cost >= 64 * 1024
    assert parameters.parallelism >= 1
    assert hasher.verify(stored, PASSWORD)


def test_the_cheap_test_hashes_are_still_verified_by_production() -> None:
    cheap = make_hasher(Settings(environment="test", secret_key=SECRET))
    production = make_hasher(Settings(environment="production", secret_key=SECRET))
    stored = cheap.hash(PASSWORD)
    assert (
        extract_parameters(stored).time_cost
        < extract_parameters(production.hash(PASSWORD)).time_cost
    )
    # Parameters travel in the hash: a user created by a test can sign in anywhere.
    assert production.verify(stored, PASSWORD)
