"""Every API route the store serves, read from the URL resolver: scope and object-authorization
tests walk this list, so an endpoint added later is covered without editing them."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

METHODS = ("get", "post", "put", "patch", "delete")
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "api/v1/shopper/sessions/<uuid:session_id>/items/"
    view: type
    methods: tuple[str, ...]
    params: tuple[str, ...]  # the names of its URL parameters, in order

    @property
    def name(self) -> str:
        return f"{self.view.__name__} /{self.route}"

    def path(self, **values) -> str:
        """The URL with each parameter filled from `values` (or a sample)."""

        def fill(match: re.Match) -> str:
            name = match["name"]
            if name in values:
                return str(values[name])
            return str(uuid.uuid4()) if match.groupdict().get("kind") == "uuid" else "x-1"

        path = CONVERTER.sub(fill, REGEX_GROUP.sub(fill, self.route))
        return "/" + path.replace("^", "").replace("$", "")


def walk(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def view_methods(callback, view: type) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)  # a viewset's route maps methods to actions
    if actions:
        return tuple(m for m in METHODS if m in actions)
    return tuple(m for m in METHODS if hasattr(view, m))


def api_routes(prefix: str = "api/v1/") -> list[Route]:
    """The DRF views under `prefix`, one per route (format-suffix twins left out)."""
    routes = []
    for route, callback in walk(get_resolver().url_patterns):
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if not route.startswith(prefix) or view is None or "format" in route:
            continue
        groups = [m["name"] for m in REGEX_GROUP.finditer(route)]
        params = (*groups, *(m["name"] for m in CONVERTER.finditer(REGEX_GROUP.sub("", route))))
        routes.append(Route(route, view, view_methods(callback, view), params))
    return routes
