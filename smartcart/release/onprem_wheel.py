"""`smartcart release onprem-wheel`: a wheel of this checkout as an on-prem release.

Written with zipfile from pyproject.toml's own package list and package data (the wheel format
is a zip with a dist-info; pure Python, py3-none-any), so building one needs neither network
nor the `wheel` package. Then `smartcart release build --image <wheel> --hardware onprem-v1`
signs it like any release.

Two switches make the test releases the updater's tests and the benchmark need, by changing the
built copy only, never this checkout's code:
  --broken          the release's /healthz reports a failing component (its self-test);
  --mark-migration  the release carries one more migration (a table named after its version),
                    so a rollback can be seen to take it out of the database again.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import tomllib
import zipfile
from pathlib import Path

from .manifest import parse_version

ROOT = Path(__file__).resolve().parents[2]
STAMP = (2020, 1, 1, 0, 0, 0)  # every entry's time: the same tree makes the same bytes
# The on-prem code the two switches add to the built copy lives with the on-prem tier, as text
# (not Python modules: nothing imports them, and the wheel's package list leaves them out).
VARIANTS = Path("onprem/software/release_variants")
BROKEN_CHECK = "broken_selftest.py.in"  # appended to onprem/core/health.py
MARK_MIGRATION = "mark_migration.py.in"  # a migration of onprem/software, formatted


def mark_table(version: str) -> str:
    return "onprem_software_mark_" + version.replace(".", "_")


def build_onprem_wheel(
    *,
    version: str,
    out: Path,
    broken: bool = False,
    mark_migration: bool = False,
    root: Path = ROOT,
) -> Path:
    """out/smartcart-<version>-py3-none-any.whl of the tree at `root`."""
    parse_version(version)
    project = tomllib.loads((root / "pyproject.toml").read_text())
    files = {name: path.read_bytes() for name, path in package_files(root, project)}
    if broken:
        files["onprem/core/health.py"] += b"\n\n" + (root / VARIANTS / BROKEN_CHECK).read_bytes()
    if mark_migration:
        template = (root / VARIANTS / MARK_MIGRATION).read_text()
        name, text = mark_migration_file(files, version, template)
        files[name] = text.encode()
    dist_info = f"smartcart-{version}.dist-info"
    for name, text in metadata_files(project, version).items():
        files[f"{dist_info}/{name}"] = text.encode()
    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"smartcart-{version}-py3-none-any.whl"
    write_wheel(wheel, files, record=f"{dist_info}/RECORD")
    return wheel


def package_files(root: Path, project: dict):
    """(name in the wheel, path) of every module and data file the package list includes."""
    setup = project.get("tool", {}).get("setuptools", {})
    include = setup.get("packages", {}).get("find", {}).get("include", [])
    data = [p for patterns in setup.get("package-data", {}).values() for p in patterns]
    tops = sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and p.name.isidentifier() and any(fnmatch.fnmatch(p.name, i) for i in include)
    )
    for top in tops:
        for path in sorted(top.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix == ".py" or any(fnmatch.fnmatch(path.name, p) for p in data):
                yield path.relative_to(root).as_posix(), path


def mark_migration_file(files: dict[str, bytes], version: str, template: str) -> tuple[str, str]:
    folder = "onprem/software/migrations/"
    existing = sorted(
        n[len(folder) : -3]
        for n in files
        if n.startswith(folder)
        and n.endswith(".py")
        and "/" not in n[len(folder) :]
        and n[len(folder)].isdigit()
    )
    dependencies = [("onprem_software", existing[-1])] if existing else []
    name = f"9{version.replace('.', '_')}_release_mark"
    text = template.format(dependencies=dependencies, table=mark_table(version))
    return f"{folder}{name}.py", text


def metadata_files(project: dict, version: str) -> dict[str, str]:
    meta = project["project"]
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {meta['name']}",
        f"Version: {version}",
        f"Summary: {meta.get('description', '')}",
        f"Requires-Python: {meta.get('requires-python', '>=3')}",
        *(f"Requires-Dist: {dep}" for dep in meta.get("dependencies", [])),
    ]
    scripts = meta.get("scripts", {})
    return {
        "METADATA": "\n".join(lines) + "\n",
        "WHEEL": "Wheel-Version: 1.0\nGenerator: smartcart-release\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
        "entry_points.txt": "[console_scripts]\n"
        + "".join(f"{name} = {target}\n" for name, target in scripts.items()),
    }


def write_wheel(wheel: Path, files: dict[str, bytes], *, record: str) -> None:
    rows = []
    staged = wheel.with_name(wheel.name + ".tmp")
    with zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            add(archive, name, files[name])
            digest = base64.urlsafe_b64encode(hashlib.sha256(files[name]).digest()).rstrip(b"=")
            rows.append(f"{name},sha256={digest.decode()},{len(files[name])}")
        rows.append(f"{record},,")
        add(archive, record, ("\n".join(rows) + "\n").encode())
    staged.replace(wheel)


def add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
