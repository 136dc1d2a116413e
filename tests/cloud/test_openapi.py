from __future__ import annotations


def test_it_serves_the_openapi_schema_and_swagger_ui(db, client):
    schema = client.get("/api/schema/?format=json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert {"/api/v1/stores/", "/api/v1/stores/{code}/"} <= set(schema.json()["paths"])
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
