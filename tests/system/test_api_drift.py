"""The CI step `npm run check:api` (in `make frontend-check`) fails when the backend's
schema changes and the committed OpenAPI file and types were not regenerated."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

FRONTEND = Path(__file__).parents[2] / "frontend"


class _NewThing(BaseModel):
    id: int
    name: str


def drifted_app() -> FastAPI:
    """The real app plus one route nobody regenerated the client for."""
    from distretto.app import create_app

    app = create_app()

    @app.get("/api/v1/new-things", response_model=list[_NewThing])
    async def new_things() -> list[_NewThing]:
        return []

    return app


@pytest.mark.skipif(
    shutil.which("node") is None
    or not (FRONTEND / "node_modules/.bin/openapi-typescript").exists(),
    reason="needs the web app's node_modules (npm ci)",
)
def test_check_fails_on_a_schema_change_without_regenerating() -> None:
    result = subprocess.run(
        ["node", "scripts/check-api.mjs"],
        cwd=FRONTEND,
        env={**os.environ, "DISTRETTO_APP_FACTORY": "tests.system.test_api_drift:drifted_app"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "API schema drift in frontend/openapi.json" in result.stderr
