from __future__ import annotations

import subprocess
import sys

import httpx

from rack_agent.technician import hash_password
from tests.agents.conftest import agent_env
from tests.conftest import ROOT, free_port, wait_for_port


def test_it_asks_for_the_technician_login_and_refuses_a_wrong_one(spawn_agent, listener):
    port = free_port()
    password_hash = hash_password("slot-key-42")
    spawn_agent("rack_agent", "rack-06", http_port=str(port), http_password_hash=password_hash)
    listener.wait_for("rack-06", "telemetry")
    wait_for_port(port)
    url = f"http://127.0.0.1:{port}"

    anonymous = httpx.get(f"{url}/slots.json")
    wrong = httpx.get(f"{url}/", auth=("technician", "slot-key-43"))
    wrong_user = httpx.get(f"{url}/", auth=("admin", "slot-key-42"))
    right = httpx.get(f"{url}/slots.json", auth=("technician", "slot-key-42"))
    post = httpx.post(f"{url}/", auth=("technician", "slot-key-42"))

    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Basic realm="rack rack-06", charset="UTF-8"'
    assert "technician login required" in anonymous.text
    assert "rack-06" not in anonymous.text
    assert wrong.status_code == 401 and wrong_user.status_code == 401
    assert right.status_code == 200 and right.json()["rack"] == "rack-06"
    assert post.status_code == 405 and "only reads" in post.text
    assert password_hash.startswith("pbkdf2_sha256$") and "slot-key-42" not in password_hash


def test_it_will_not_serve_the_page_without_a_password_hash(tmp_path):
    env = agent_env("mqtt://127.0.0.1:1", "s1", "rack-07", tmp_path / "o.sqlite3", http_port="8081")
    done = subprocess.run(
        [sys.executable, "-m", "rack_agent"], env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert "http_port=8081 turns the rack page on, and the page needs a technician password" in (
        done.stderr
    )


def test_it_prints_a_hash_line_for_the_config(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "rack_agent", "hash-password"],
        input="slot-key-42\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('http_password_hash = "pbkdf2_sha256$260000$')
    short = subprocess.run(
        [sys.executable, "-m", "rack_agent", "hash-password"],
        input="1234\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert short.returncode == 2 and "at least 6 characters" in short.stderr


def test_it_prints_a_pin_hash_line_for_the_force_update_form():
    def hash_pin(pin: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "rack_agent", "hash-pin"],
            input=f"{pin}\n",
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )

    done, short = hash_pin("4711"), hash_pin("471")

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('technician_pin_hash = "pbkdf2_sha256$260000$')
    assert "4711" not in done.stdout
    assert short.returncode == 2 and "the pin needs at least 4 characters" in short.stderr
