"""Bounded pages for every list: a client may ask for fewer rows, never for an unbounded page.

`?limit=` above the maximum is clamped (a client asking for "everything" gets the largest page);
a limit or offset that is not a whole number in range is a 400 that says so, never a 500 from
the database (SQLite and MariaDB refuse integers past 2^63).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination

DEFAULT_PAGE = 100
MAX_PAGE = 500
BAD_CURSOR = "is not a cursor this API gave out: follow the page's next or previous link"
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,40}")


def whole_number(params, name: str, *, minimum: int, default: int) -> int:
    """Query parameter `name` as an int >= minimum (`default` when absent); a 400 otherwise."""
    values = params.getlist(name)
    if not values:
        return default
    if len(values) > 1:
        raise ValidationError({name: ["give this parameter once"]})
    raw = values[0]
    if not WHOLE_NUMBER.fullmatch(raw) or int(raw) < minimum:
        raise ValidationError(
            {name: [f"must be a whole number from {minimum} up, not {raw[:40]!r}"]}
        )
    return int(raw)


def _document(
    parameters: list[dict], bounds: dict[str, dict], size: tuple[str, int, int]
) -> list[dict]:
    name, default, most = size
    for parameter in parameters:
        parameter["schema"].update(bounds.get(parameter["name"], {}))
        if parameter["name"] == name:
            parameter["description"] = (
                f"Rows per page: {default} by default, at most {most} (a larger limit gives {most})."
            )
    return parameters


class BoundedPagination(LimitOffsetPagination):
    """`?limit=` (default 100, at most 500) and `?offset=`, with a total `count`."""

    default_limit = DEFAULT_PAGE
    max_limit = MAX_PAGE

    def get_limit(self, request) -> int:
        limit = whole_number(
            request.query_params, self.limit_query_param, minimum=1, default=self.default_limit
        )
        return min(limit, self.max_limit)

    def get_offset(self, request) -> int:
        # An offset past the end is an empty page (the paginator counts before it slices).
        return whole_number(request.query_params, self.offset_query_param, minimum=0, default=0)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        bounds = {self.limit_query_param: {"minimum": 1}, self.offset_query_param: {"minimum": 0}}
        size = (self.limit_query_param, self.default_limit, self.max_limit)
        return _document(super().get_schema_operation_parameters(view), bounds, size)


class BoundedCursorPagination(CursorPagination):
    """Cursor pages with `?limit=` (default 100, at most 500); subclasses set `ordering`."""

    page_size = DEFAULT_PAGE
    page_size_query_param = "limit"
    max_page_size = MAX_PAGE

    def get_page_size(self, request) -> int:
        size = whole_number(
            request.query_params, self.page_size_query_param, minimum=1, default=self.page_size
        )
        return min(size, self.max_page_size)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:  # DRF's answer to a cursor it cannot read; it is a bad parameter
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]}) from None

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (
            DjangoValidationError,
            ValueError,
            OverflowError,
        ):  # a forged position: p=not-a-date
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]}) from None

    def get_schema_operation_parameters(self, view) -> list[dict]:
        size = (self.page_size_query_param, self.page_size, self.max_page_size)
        bounds = {self.page_size_query_param: {"minimum": 1}}
        return _document(super().get_schema_operation_parameters(view), bounds, size)
