from __future__ import annotations


def test_it_serves_the_openapi_schema_and_swagger_ui(db, client):
    schema = client.get("/api/schema/?format=json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert {"/api/v1/stores/", "/api/v1/stores/{code}/"} <= set(schema.json()["paths"])
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_the_schema_documents_bearer_tokens_and_the_errors(db, client):
    schema = client.get("/api/schema/?format=json").json()

    store = schema["paths"]["/api/v1/stores/{code}/"]["get"]

    oauth2 = schema["components"]["securitySchemes"]["oauth2"]
    assert oauth2["type"] == "oauth2"
    assert list(oauth2["flows"]) == ["authorizationCode"]  # the cloud grants no client credentials
    assert {"oauth2": ["ops"]} in store["security"]
    assert {"401", "403", "404"} <= set(store["responses"])


def test_an_unknown_store_and_a_bad_limit_answer_in_the_apis_error_shape(ops_api):
    missing = ops_api.get("/api/v1/stores/no-such-store/")
    bad_limit = ops_api.get("/api/v1/stores/?limit=lots")

    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert bad_limit.status_code == 400
    assert bad_limit.json()["fields"] == {"limit": ["must be a whole number from 1 up, not 'lots'"]}
