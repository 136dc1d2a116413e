"""Do the deploy files hold together? No Docker daemon runs here, so this reads them instead:
every command a container runs is a real command of this project (or the standard image's
own binary), every image is built by the Dockerfile or is a standard one, every probe and
healthcheck asks a real URL, every env file, secret and mounted file exists (as an example).

`problems(files)` returns sentences, one per defect; test_deploy_files.py asserts there are
none, and feeds it broken files to show it would notice.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROBE = Path(__file__).with_name("deploy_tier_probe.py")

# Standard images and the binaries of theirs a service may run.
STANDARD_IMAGES = {
    "mariadb": {"mariadbd", "mariadb", "healthcheck.sh", "mariadb-admin"},
    "redis": {"redis-server", "redis-cli"},
    "eclipse-mosquitto": {"mosquitto", "/usr/sbin/mosquitto", "mosquitto_sub", "nc"},
}
OUR_IMAGE = "smartcart"
URL_PATH = re.compile(r"https?://[^/\s'\"]+(/[^\s'\"]*)")


@dataclass
class Container:
    """One thing that runs: a compose service or a Kubernetes container."""

    where: str  # "deploy/compose.yaml: web"
    image: str
    tier: str
    argv: list[str] = field(default_factory=list)
    health: list[list[str]] = field(default_factory=list)  # healthcheck commands
    probe_paths: list[str] = field(default_factory=list)  # HTTP probe paths
    mounts: dict[str, Path] = field(default_factory=dict)  # target dir -> repo dir


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    tier_checks: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)

    def ask(self, tier: str, where: str, check: dict) -> None:
        self.tier_checks.setdefault(tier, []).append((where, check))


# ---- reading the files ------------------------------------------------------------------

def compose_containers(path: Path, report: Report) -> list[Container]:
    doc = yaml.safe_load(path.read_text()) or {}
    name = path.relative_to(path.parents[1]) if path.parent.name == "deploy" else path.name
    default_tier = "cloud" if "cloud" in path.name else "onprem"
    containers = []
    for service, spec in (doc.get("services") or {}).items():
        where = f"{name}: {service}"
        env = spec.get("environment") or {}
        tier = env.get("SMARTCART_TIER", default_tier) if isinstance(env, dict) else default_tier
        container = Container(where, str(spec.get("image", "")), tier)
        container.argv = [str(a) for a in as_list(spec.get("entrypoint")) + as_list(spec.get("command"))]
        test = (spec.get("healthcheck") or {}).get("test")
        if test:
            container.health.append(healthcheck_argv(test))
        container.mounts = bind_mounts(spec.get("volumes") or [], path.parent)
        check_compose_files(spec, path, doc, where, report)
        containers.append(container)
    return containers


def as_list(value) -> list:
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else list(value)


def healthcheck_argv(test) -> list[str]:
    test = as_list(test)
    if test and test[0] == "CMD-SHELL":
        return ["sh", "-c", " ".join(test[1:])]
    return [str(a) for a in (test[1:] if test and test[0] == "CMD" else test)]


def bind_mounts(volumes: list, base: Path) -> dict[str, Path]:
    mounts = {}
    for volume in volumes:
        source, _, rest = str(volume).partition(":")
        if source.startswith("."):
            mounts[rest.split(":")[0]] = (base / source).resolve()
    return mounts


def check_compose_files(spec: dict, path: Path, doc: dict, where: str, report: Report) -> None:
    """env files exist (or their .example does), secrets are declared with a documented file."""
    for env_file in as_list(spec.get("env_file")):
        target = path.parent / str(env_file)
        if not (target.exists() or target.with_name(target.name + ".example").exists()):
            report.problems.append(f"{where}: env_file {env_file} has no {env_file}.example beside it")
    declared = doc.get("secrets") or {}
    readme = (DEPLOY / "secrets" / "README.md")
    listed = readme.read_text() if readme.exists() else ""
    for secret in as_list(spec.get("secrets")):
        name = secret if isinstance(secret, str) else secret.get("source")
        if name not in declared:
            report.problems.append(f"{where}: secret {name} is not declared under `secrets:`")
            continue
        file = Path(str(declared[name].get("file", "")))
        if file.name and f"`{file.name}`" not in listed:
            report.problems.append(f"{where}: secret file {file} is not described in deploy/secrets/README.md")


def k8s_containers(path: Path, report: Report) -> list[Container]:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    config_tier = {
        d["metadata"]["name"]: d.get("data", {}).get("SMARTCART_TIER", "cloud")
        for d in docs if d.get("kind") == "ConfigMap"
    }
    check_k8s_references(docs, path, report)
    containers = []
    for doc in docs:
        pod = pod_spec(doc)
        if pod is None:
            continue
        for spec in [*pod.get("initContainers", []), *pod.get("containers", [])]:
            where = f"k8s/{path.name}: {doc['metadata']['name']}/{spec['name']}"
            refs = [e.get("configMapRef", {}).get("name") for e in spec.get("envFrom", [])]
            tier = next((config_tier[r] for r in refs if r in config_tier), "cloud")
            container = Container(where, str(spec.get("image", "")), tier)
            container.argv = [str(a) for a in spec.get("command", []) + spec.get("args", [])]
            ports = {p.get("containerPort") for p in spec.get("ports", [])}
            for probe_name in ("readinessProbe", "livenessProbe", "startupProbe"):
                http = (spec.get(probe_name) or {}).get("httpGet")
                if http:
                    container.probe_paths.append(http["path"])
                    if http.get("port") not in ports:
                        report.problems.append(f"{where}: {probe_name} port {http.get('port')} is no containerPort")
            containers.append(container)
    return containers


def pod_spec(doc: dict) -> dict | None:
    kind = doc.get("kind")
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return doc["spec"]["template"]["spec"]
    if kind == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


def check_k8s_references(docs: list[dict], path: Path, report: Report) -> None:
    """Services select a workload; ConfigMaps, Secrets and claims a pod names exist somewhere."""
    defined = {(d.get("kind"), d["metadata"]["name"]) for d in docs if d.get("metadata")}
    for example in path.parent.glob("*.yaml.example"):
        defined |= {(d.get("kind"), d["metadata"]["name"]) for d in yaml.safe_load_all(example.read_text()) if d}
    labels = [doc["spec"]["template"]["metadata"].get("labels", {}) for doc in docs if pod_spec(doc) is not None
              and doc.get("kind") != "Job"]
    for doc in docs:
        if doc.get("kind") == "Service":
            selector = doc["spec"].get("selector", {})
            if not any(selector.items() <= found.items() for found in labels):
                report.problems.append(f"k8s/{path.name}: Service {doc['metadata']['name']} selects no pods")
        pod = pod_spec(doc)
        for spec in [*(pod or {}).get("initContainers", []), *(pod or {}).get("containers", [])]:
            for source in spec.get("envFrom", []):
                for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    name = source.get(key, {}).get("name")
                    if name and (kind, name) not in defined:
                        report.problems.append(f"k8s/{path.name}: {kind} {name} is neither defined nor in a *.yaml.example")
        for volume in (pod or {}).get("volumes", []):
            claim = volume.get("persistentVolumeClaim", {}).get("claimName")
            if claim and ("PersistentVolumeClaim", claim) not in defined:
                report.problems.append(f"k8s/{path.name}: PersistentVolumeClaim {claim} is not defined")


# ---- judging what runs --------------------------------------------------------------------

def check_image(container: Container, report: Report) -> str | None:
    """The image's name (smartcart or a standard one), or None after reporting it."""
    name, _, tag = container.image.rpartition(":") if ":" in container.image else (container.image, "", "")
    if name == OUR_IMAGE:
        if not dockerfile_builds_our_image():
            report.problems.append(f"{container.where}: image {container.image} but the Dockerfile does not build this project")
        return name
    if name in STANDARD_IMAGES and tag:
        return name
    report.problems.append(
        f"{container.where}: image {container.image!r} is neither smartcart:<tag> (the Dockerfile) "
        f"nor a pinned standard image ({', '.join(sorted(STANDARD_IMAGES))})"
    )
    return None


def dockerfile_builds_our_image() -> bool:
    dockerfile = ROOT / "Dockerfile"
    if not dockerfile.exists():
        return False
    text = dockerfile.read_text()
    return ".[mysql,deploy]" in text and "manage.py" in text and re.search(r"^USER (?!root)\S+", text, re.M) is not None


def check_argv(container: Container, image: str, argv: list[str], report: Report, *, shell: bool = False) -> None:
    if not argv:
        return
    if argv[0] in ("sh", "/bin/sh", "bash") and len(argv) >= 3 and argv[1] == "-c":
        for command in shell_commands(argv[2]):
            check_argv(container, image, command, report, shell=True)
        return
    check_mounted_paths(container, argv, report)
    if image != OUR_IMAGE:
        if argv[0] not in STANDARD_IMAGES[image]:
            report.problems.append(f"{container.where}: `{argv[0]}` is not a binary of the {image} image")
        return
    where = container.where
    program, args = argv[0], argv[1:]
    if program in ("python", "python3") and args[:1] == ["manage.py"]:
        report.ask(container.tier, where, {"manage": args[1:]})
    elif program in ("python", "python3") and args[:1] == ["-c"]:
        for url_path in URL_PATH.findall(" ".join(args[1:])):
            report.ask(container.tier, where, {"path": url_path})
    elif program == "smartcart":
        check_cli(where, args, report)
    elif program == "daphne":
        check_daphne(container, args, report)
    elif program == "uvicorn":
        check_uvicorn(container, args, report)
    elif program == "celery":
        check_celery(container, args, report)
    else:
        report.problems.append(f"{where}: `{' '.join(argv)}` runs no command of this project")


def shell_commands(script: str) -> list[list[str]]:
    # compose writes a literal $ as $$; the commands are separated by && or ;
    script = script.replace("$$", "$")
    return [shlex.split(part) for part in re.split(r"&&|;|\|\|", script) if part.strip()]


def check_mounted_paths(container: Container, argv: list[str], report: Report) -> None:
    """An argument under a directory bind-mounted from the repository names a file there."""
    for arg in argv:
        for target, source in container.mounts.items():
            if arg.startswith(target.rstrip("/") + "/") and source.is_dir():
                if not (source / arg[len(target.rstrip("/")) + 1:]).exists():
                    report.problems.append(f"{container.where}: {arg} is not in {source.relative_to(ROOT)}")


def check_cli(where: str, args: list[str], report: Report) -> None:
    from smartcart.cli import COMMANDS

    if not args or args[0] not in COMMANDS:
        report.problems.append(f"{where}: `smartcart {' '.join(args)}`: no such subcommand ({', '.join(COMMANDS)})")


def check_daphne(container: Container, args: list[str], report: Report) -> None:
    from daphne.cli import CommandLineInterface

    try:
        parsed = CommandLineInterface().parser.parse_args(args)
    except SystemExit:
        report.problems.append(f"{container.where}: `daphne {' '.join(args)}`: daphne refuses these options")
        return
    report.ask(container.tier, container.where, {"asgi": parsed.application})


def check_uvicorn(container: Container, args: list[str], report: Report) -> None:
    import click
    import uvicorn.main  # noqa: F401 - the module, not the function uvicorn exports as `main`

    try:
        context = sys.modules["uvicorn.main"].main.make_context("uvicorn", list(args))
    except click.ClickException as exc:
        report.problems.append(f"{container.where}: `uvicorn {' '.join(args)}`: {exc.format_message()}")
        return
    report.ask(container.tier, container.where, {"asgi": context.params["app"]})


def check_celery(container: Container, args: list[str], report: Report) -> None:
    if len(args) < 3 or args[0] not in ("-A", "--app"):
        report.problems.append(f"{container.where}: `celery {' '.join(args)}` must start with -A <app> <command>")
        return
    report.ask(container.tier, container.where, {"celery": [args[1], *args[2:]]})


def run_tier_checks(report: Report) -> None:
    for tier, checks in report.tier_checks.items():
        env = {**os.environ, "SMARTCART_DEMO": "1", "SMARTCART_TIER": tier,
               "DJANGO_SETTINGS_MODULE": f"{tier}.settings", "SMARTCART_LOG_LEVEL": "ERROR"}
        done = subprocess.run(
            [sys.executable, str(PROBE)], input=json.dumps([c for _, c in checks]), cwd=ROOT,
            env=env, capture_output=True, text=True, timeout=120,
        )
        if done.returncode != 0:
            report.problems.append(f"the {tier} tier does not start to check its commands: {done.stderr[-1500:]}")
            continue
        answers = json.loads(done.stdout.strip().splitlines()[-1])
        for (where, _), found in zip(checks, answers, strict=True):
            report.problems += [f"{where}: {problem}" for problem in found]


def problems(compose_files: list[Path], k8s_files: list[Path]) -> list[str]:
    report = Report()
    containers = [c for f in compose_files for c in compose_containers(f, report)]
    containers += [c for f in k8s_files for c in k8s_containers(f, report)]
    for container in containers:
        image = check_image(container, report)
        if image is None:
            continue
        check_argv(container, image, container.argv, report)
        for health in container.health:
            check_argv(container, image, health, report)
        for url_path in container.probe_paths:
            report.ask(container.tier, container.where, {"path": url_path})
    run_tier_checks(report)
    return report.problems
