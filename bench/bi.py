"""BI benchmark: a year of seeded history (365 days × 120 carts) in a fresh MariaDB database,
then the server time of every BI page and every CSV over the whole year (the heaviest range).

    SMARTCART_DB_URL=mysql://root@127.0.0.1:3306/test python bench/bi.py [--days 365] [--carts 120] [--requests 25]

It migrates a scratch database `<name>_bi_bench` beside the configured one (dropped first),
runs `manage.py seed_history` (which rolls everything up), seeds a full day for today too (so
the live part of each page has a day's worth of raw rows to read), and times each URL with
Django's test Client in this process: the view, the queries and the rendering, no network.
Today's live figures are cached for 30 s in production; the cache is cleared before every
request here, so each one pays for the live computation (the worst case).
--warm keeps the cache (production's behaviour); --reuse times a database a previous run seeded.
Last line: pages=<n> worst_p95_ms=<x>
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.ingest import recreate_database  # noqa: E402

PAGES = ["/bi/", "/bi/baskets/", "/bi/shoppers/", "/bi/service/", "/bi/products/", "/bi/battery/"]
CSVS = ["adoption", "heatmap", "durations", "basket-sizes", "basket-values", "return-intervals",
        "help-abandoned", "top-products", "pairs", "battery"]


def scratch_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bi_bench"))


def prepare(env: dict, days: int, carts: int) -> float:
    recreate_database(env["SMARTCART_DB_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    began = time.monotonic()
    subprocess.run([sys.executable, "manage.py", "seed_history", "--days", str(days), "--carts", str(carts)],
                   cwd=ROOT, env=env, check=True)
    return time.monotonic() - began


def seed_today(carts: int) -> None:
    from onprem.analytics.rollups import store_today
    from onprem.analytics.seeding import Plan, seed_history

    seed_history(Plan(days=1, carts=carts, seed=2, until=store_today()))


def analyst_client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username="bench-analyst", defaults={"is_staff": True})
    user.user_permissions.add(Permission.objects.get(content_type__app_label="analytics", codename="analytics"))
    client = Client()
    client.force_login(user)
    return client


def time_url(client, url: str, requests: int, *, warm: bool) -> list[float]:
    from django.core.cache import cache

    times = []
    for n in range(requests + 1):
        if not warm:
            cache.clear()
        began = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        if n:  # the first request warms Python's imports and template caches
            times.append(elapsed)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--carts", type=int, default=120)
    parser.add_argument("--requests", type=int, default=25)
    parser.add_argument("--warm", action="store_true",
                        help="keep today's live figures cached between requests, as production does (30 s)")
    parser.add_argument("--reuse", action="store_true", help="time the scratch database a previous run seeded")
    args = parser.parse_args(argv)
    db_url = os.environ.get("SMARTCART_DB_URL", "")
    if not db_url.startswith(("mysql", "mariadb")):
        print("bench/bi.py needs SMARTCART_DB_URL pointing at MySQL/MariaDB", file=sys.stderr)
        return 2
    # A scratch store on the built-in secret key, like the demo (DEBUG stays off).
    env = {**os.environ, "SMARTCART_DB_URL": scratch_url(db_url), "SMARTCART_ALLOWED_HOSTS": "testserver",
           "SMARTCART_TIER": "onprem", "DJANGO_SETTINGS_MODULE": "onprem.settings", "SMARTCART_DEMO": "1",
           "SMARTCART_LOG_LEVEL": "WARNING"}
    seed_s = 0.0 if args.reuse else prepare(env, args.days, args.carts)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onprem.settings")
    import django

    django.setup()
    from django.db import connection

    from onprem.analytics.rollups import store_today
    from onprem.shopping.models import BasketLine, ShoppingSession

    if not args.reuse:
        seed_today(args.carts)
    print(f"seeded days={args.days} carts={args.carts} sessions={ShoppingSession.objects.count()} "
          f"basket_lines={BasketLine.objects.count()} seed_and_rollup_s={seed_s:.1f} db={connection.vendor}")
    today = store_today()
    first = today - timedelta(days=min(args.days, 365) - 1)
    query = f"from={first.isoformat()}&to={today.isoformat()}"
    client = analyst_client()
    worst, urls = 0.0, PAGES + [f"/bi/csv/{name}.csv" for name in CSVS]
    for url in urls:
        times = time_url(client, f"{url}?{query}", args.requests, warm=args.warm)
        worst = max(worst, p95(times))
        print(f"{url:32} n={len(times)} p50_ms={statistics.median(times):.1f} p95_ms={p95(times):.1f} "
              f"max_ms={max(times):.1f}")
    print(f"pages={len(urls)} worst_p95_ms={worst:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
