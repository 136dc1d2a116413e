"""REST API pieces both Django tiers share: bounded pages, one error shape, the OpenAPI extras."""
