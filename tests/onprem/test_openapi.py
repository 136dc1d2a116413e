from __future__ import annotations


def test_it_serves_the_openapi_schema_and_swagger_ui(db, client):
    schema = client.get("/api/schema/?format=json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert "/api/v1/carts/{device_id}/telemetry/" in schema.json()["paths"]
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def schema_of(client) -> dict:
    return client.get("/api/schema/?format=json").json()


def test_the_schema_documents_bearer_tokens_with_each_operations_scopes(db, client):
    schema = schema_of(client)

    oauth2 = schema["components"]["securitySchemes"]["oauth2"]
    carts = schema["paths"]["/api/v1/carts/"]["get"]
    sync = schema["paths"]["/api/v1/integrations/erp/sync"]["post"]

    assert oauth2["type"] == "oauth2"
    assert oauth2["flows"]["authorizationCode"]["tokenUrl"] == "/o/token/"
    assert oauth2["flows"]["clientCredentials"]["tokenUrl"] == "/o/token/"
    assert {"oauth2": ["staff", "ops"]} in carts["security"]
    assert {"oauth2": ["staff"]} in sync["security"]


def test_the_schema_types_a_carts_battery_and_dock_as_objects(db, client):
    cart = schema_of(client)["components"]["schemas"]["Cart"]["properties"]

    for name in ("battery", "dock"):
        assert cart[name]["nullable"] is True
        assert cart[name]["allOf"][0]["$ref"].startswith("#/components/schemas/")
    assert cart["last_reading_at"]["nullable"] is True


def test_the_schema_documents_the_errors_and_the_page_bounds(db, client):
    paths = schema_of(client)["paths"]

    cart = paths["/api/v1/carts/{device_id}/"]["get"]["responses"]
    telemetry = paths["/api/v1/carts/{device_id}/telemetry/"]["get"]
    limit = next(p for p in paths["/api/v1/carts/"]["get"]["parameters"] if p["name"] == "limit")
    letters = next(
        p for p in paths["/api/v1/dead-letters/"]["get"]["parameters"] if p["name"] == "limit"
    )

    assert {"200", "401", "403", "404"} <= set(cart)
    assert cart["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "400" in telemetry["responses"]
    assert limit["schema"] == {"type": "integer", "minimum": 1}
    assert "at most 500" in limit["description"]
    assert "at most 100" in letters["description"]
