"""action.logs refuses what it will not read, with a sentence: nothing reaches a shell or a path."""

from __future__ import annotations

import pytest

from onprem.uplink.actions import ACTIONS
from onprem.uplink.commands import StoreCommandRefused

from .remote_actions import demo_table

KNOWN = "onprem, ingest, uplink, broker, simulator"


@pytest.fixture(autouse=True)
def table(tmp_path, settings):
    settings.COMPONENTS = demo_table(tmp_path)
    settings.COMPONENTS["ingest"].log.write_text("ok\n")


@pytest.mark.parametrize(
    "name", ["mysql", "ingest; rm -rf /", "../../etc/passwd", "INGEST", "", 7, None]
)
def test_it_refuses_a_component_not_in_the_table_and_names_the_known_ones(name):
    args = {} if name is None else {"component": name}

    with pytest.raises(StoreCommandRefused) as refused:
        ACTIONS["action.logs"](args)

    assert str(refused.value).endswith(f"one of this store's components: {KNOWN}")


@pytest.mark.parametrize("lines", [0, 1001, -5, "100", 10.0, True, None])
def test_it_refuses_lines_outside_1_to_1000(lines):
    with pytest.raises(StoreCommandRefused) as refused:
        ACTIONS["action.logs"]({"component": "ingest", "lines": lines})

    assert (
        str(refused.value)
        == f"action.logs: lines must be a whole number from 1 to 1000, not {lines!r}"
    )


def test_it_refuses_args_it_does_not_take():
    with pytest.raises(StoreCommandRefused) as refused:
        ACTIONS["action.logs"]({"component": "ingest", "path": "/etc/shadow"})

    assert str(refused.value) == "action.logs does not take 'path'; it takes component, lines"


@pytest.mark.parametrize("lines", [1, 1000])
def test_it_accepts_the_bounds(lines):
    assert ACTIONS["action.logs"]({"component": "ingest", "lines": lines})["lines"] == ["ok"]


def test_it_quotes_a_shell_line_back_as_a_name_it_does_not_know():
    with pytest.raises(StoreCommandRefused) as refused:
        ACTIONS["action.logs"]({"component": "ingest; rm -rf /", "lines": 10})

    assert str(refused.value) == (
        f"action.logs: component 'ingest; rm -rf /' is not one of this store's components: {KNOWN}"
    )


def test_it_sends_the_known_components_as_data_too():
    with pytest.raises(StoreCommandRefused) as refused:
        ACTIONS["action.logs"]({"component": "mysql"})

    assert refused.value.details == {"components": KNOWN.split(", ")}
