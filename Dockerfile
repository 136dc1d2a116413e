# The one image every SmartCart server process runs: both tiers (SMARTCART_TIER=onprem|cloud),
# their web servers, workers and management commands. deploy/compose.yaml (a store),
# deploy/compose.cloud.yaml and deploy/k8s/ (the cloud) all use it as smartcart:latest:
#
#   docker build -t smartcart:latest .
#
# The agents run on the racks and carts themselves (deploy/systemd/), not from this image.

# Build stage: mysqlclient compiles against libmariadb-dev + pkg-config; the compiler stays here.
FROM python:3.11-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libmariadb-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[mysql,deploy]"

FROM python:3.11-slim
# libmariadb3: mysqlclient's runtime; mariadb-client: mysqldump/mysql for the on-prem updater's
# database backup and restore before a software update (docs/operations.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmariadb3 mariadb-client \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels

# Never root: the processes need only /app/var (artifacts, logs, support bundles, releases).
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin smartcart
WORKDIR /app
COPY --chown=smartcart:smartcart manage.py ./
# Volumes mounted here start with these owners (Docker copies them into a new named volume).
RUN mkdir -p /app/var/artifacts /app/var/mosquitto-auth /app/var/releases && chown -R smartcart:smartcart /app/var
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SMARTCART_VAR_DIR=/app/var
USER smartcart
EXPOSE 8000 8100
# Each service names its own command (compose `command:`, Kubernetes `command:`); alone, the
# image checks its configuration and stops.
CMD ["python", "manage.py", "check", "--deploy"]
