"""The OpenAPI schema that app developers build against: valid, warning-free, served."""

import json
import subprocess
import sys

import pytest
from django.conf import settings


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    schema_file = tmp_path / "openapi.json"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--format",
            "openapi-json",
            "--file",
            str(schema_file),
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    me = schema["paths"]["/api/v1/me/"]
    assert {"get", "patch"} <= set(me)
    assert "200" in me["get"]["responses"]


@pytest.mark.django_db
def test_the_api_docs_page_is_served(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    # Swagger UI's start-up script is a file of its own (no inline script, CSP).
    start_up = client.get("/api/docs/?script=")
    assert "/api/schema/" in start_up.content.decode()


@pytest.mark.django_db
def test_the_schema_is_served_too(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/me/" in json.loads(response.content)["paths"]
