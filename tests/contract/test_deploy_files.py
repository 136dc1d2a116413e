"""The deploy files hold together (no Docker daemon here, so they are read, not run): every
container runs a real command of this project or its standard image's own binary, every image
is built by the Dockerfile or is a standard one, every probe asks a real URL, and every env
file, secret and mounted file they name exists. The checker itself is shown broken files too,
so a misspelled command cannot slip through a checker that accepts anything."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .deploy_check import DEPLOY, ROOT, problems

COMPOSE = sorted(DEPLOY.glob("compose*.yaml"))
K8S = sorted((DEPLOY / "k8s").glob("*.yaml"))


def test_it_finds_the_deploy_files():
    assert [p.name for p in COMPOSE] == ["compose.cloud.yaml", "compose.yaml"]
    assert [p.name for p in K8S] == ["cloud.yaml"]
    assert (ROOT / "Dockerfile").exists() and (ROOT / ".dockerignore").exists()


def test_it_finds_no_problem_in_the_deploy_files():
    assert problems(COMPOSE, K8S) == []


def test_it_runs_every_server_process_of_each_tier():
    store = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    cloud = yaml.safe_load((DEPLOY / "compose.cloud.yaml").read_text())["services"]
    k8s = [d for d in yaml.safe_load_all((DEPLOY / "k8s" / "cloud.yaml").read_text()) if d]

    assert {"mariadb", "redis", "mosquitto", "migrate", "web", "ingest", "uplink", "updates",
            "worker", "beat"} <= set(store)
    assert {"mariadb", "redis", "migrate", "web", "monitor", "worker", "beat"} <= set(cloud)
    web = next(d for d in k8s if d["kind"] == "Deployment" and d["metadata"]["name"].endswith("-web"))
    assert web["spec"]["replicas"] > 1, "several web pods behind one Service"
    assert {d["metadata"]["name"] for d in k8s if d["kind"] == "Deployment"} >= {
        "smartcart-cloud-web", "smartcart-cloud-monitor", "smartcart-cloud-worker", "smartcart-cloud-beat"}


@pytest.mark.parametrize(
    ("service", "complaint"),
    [
        ({"image": "smartcart:latest", "command": ["python", "manage.py", "ingset"]},
         "`manage.py ingset` is no management command of the onprem tier"),
        ({"image": "smartcart:latest", "command": ["python", "manage.py", "ingest", "--shraed"]},
         "unrecognized arguments: --shraed"),
        ({"image": "smartcart:latest", "command": ["python", "manage.py", "monitor"]},
         "`manage.py monitor` is no management command of the onprem tier"),
        ({"image": "smartcart:latest", "command": ["celery", "-A", "onprem", "wroker"]},
         "not a server command"),
        ({"image": "smartcart:latest", "command": ["celery", "-A", "onprem", "worker", "--concurency", "2"]},
         "--concurency"),
        ({"image": "smartcart:latest", "command": ["celery", "-A", "onprem.celeri", "beat"]},
         "the module does not import"),
        ({"image": "smartcart:latest", "command": ["uvicorn", "onprem.asgi:aplication"]},
         "does not import"),
        ({"image": "smartcart:latest", "command": ["daphne", "-p", "8100", "cloud.asgii:application"]},
         "does not import"),
        ({"image": "smartcart:latest", "command": ["smartcart", "demoo"]}, "`smartcart demoo`: no such subcommand"),
        ({"image": "smartcart:latest", "command": ["gunicorn", "onprem.wsgi"]}, "runs no command of this project"),
        ({"image": "smartcart:latest", "command": ["sh", "-c", "python manage.py migrate && python manage.py exprot_mosquitto"]},
         "`manage.py exprot_mosquitto` is no management command"),
        ({"image": "postgres:16"}, "is neither smartcart:<tag>"),
        ({"image": "redis"}, "is neither smartcart:<tag>"),
        ({"image": "redis:7", "command": ["redis-sever"]}, "`redis-sever` is not a binary of the redis image"),
        ({"image": "smartcart:latest", "command": ["python", "manage.py", "migrate"],
          "healthcheck": {"test": ["CMD", "python", "-c", "urlopen('http://127.0.0.1:8000/healthzz')"]}},
         "/healthzz is no URL of the onprem tier"),
        ({"image": "smartcart:latest", "command": ["python", "manage.py", "migrate"], "env_file": "env/store.env"},
         "env_file env/store.env has no env/store.env.example"),
        ({"image": "eclipse-mosquitto:2", "command": ["mosquitto", "-c", "/mosquitto/config/nope.conf"],
          "volumes": ["./mosquitto:/mosquitto/config:ro"]}, "/mosquitto/config/nope.conf is not in deploy/mosquitto"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_it_notices_a_broken_compose_service(tmp_path, service, complaint):
    broken = write(tmp_path / "deploy" / "compose.yaml", {"services": {"broken": service}})

    found = problems([broken], [])

    assert any(complaint in problem for problem in found), found


def test_it_notices_broken_kubernetes_manifests(tmp_path):
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{
                "name": "web", "image": "smartcart:latest",
                "command": ["daphne", "-b", "0.0.0.0", "-p", "8100", "cloud.asgi:application"],
                "envFrom": [{"secretRef": {"name": "nowhere"}}],
                "ports": [{"containerPort": 8100}],
                "readinessProbe": {"httpGet": {"path": "/healthy", "port": 8100}},
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8000}},
            }]},
        }},
    }
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
               "spec": {"selector": {"app": "webb"}, "ports": [{"port": 80}]}}
    manifests = tmp_path / "cloud.yaml"
    manifests.write_text(yaml.safe_dump_all([deployment, service]))

    found = "\n".join(problems([], [manifests]))

    assert "/healthy is no URL of the cloud tier" in found
    assert "livenessProbe port 8000 is no containerPort" in found
    assert "Secret nowhere is neither defined" in found
    assert "Service web selects no pods" in found


def write(path: Path, doc: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc))
    if "mosquitto" in path.read_text():
        (path.parent / "mosquitto").symlink_to(DEPLOY / "mosquitto")
    return path
