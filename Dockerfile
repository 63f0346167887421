# syntax=docker/dockerfile:1
# Cootrack: one image for web and worker, plus a small nginx image for the React app (target "frontend") and
# Debian's PgBouncer for the optional pooler service (target "pooler").

# --- 1. the React app -----------------------------------------------------------------------------
FROM node:20.19-bookworm-slim AS frontend-build
WORKDIR /build
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- 2. Python dependencies, pinned by the lock file -------------------------------------------------
FROM python:3.11.11-slim-bookworm AS python-deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements.lock

# --- 3. the application image: web (default) and worker --------------------------------------------
FROM python:3.11.11-slim-bookworm AS app
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=project.settings.production \
    PORT=8000
RUN groupadd --system --gid 10001 cootrack \
    && useradd --system --uid 10001 --gid cootrack --home-dir /app --shell /usr/sbin/nologin cootrack
WORKDIR /app
COPY --from=python-deps /opt/venv /opt/venv
COPY --chown=cootrack:cootrack manage.py pyproject.toml ./
COPY --chown=cootrack:cootrack bin/ bin/
COPY --chown=cootrack:cootrack project/ project/
COPY --chown=cootrack:cootrack tickets/ tickets/
COPY --chown=cootrack:cootrack dashboards/ dashboards/
COPY --from=frontend-build --chown=cootrack:cootrack /build/dist/ frontend/dist/
# Static files are collected and the classifier's model is built at build time (processes only load it); the
# key is a throwaway only this step sees.
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --no-input --verbosity 0 \
    && DJANGO_SECRET_KEY=build-only python manage.py build_classifier \
    && mkdir -p /app/private \
    && chown -R cootrack:cootrack var /app/private
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8000\")}/healthz', timeout=4)"]
CMD ["bin/start-web"]

# --- 4. the React app served by nginx on :3000, with /api, /admin and /static proxied to web --------
FROM nginx:1.27-alpine AS frontend
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=frontend-build /build/dist/ /usr/share/nginx/html/static/app/
COPY --from=frontend-build /build/dist/index.html /usr/share/nginx/html/index.html
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3000/"]

# --- 5. PgBouncer in transaction mode, for the optional pooler service (docker compose --profile pooler) ---------
FROM debian:bookworm-slim AS pooler
RUN apt-get update \
    && apt-get install -y --no-install-recommends pgbouncer=1.18.0-1+deb12u1 \
    && rm -rf /var/lib/apt/lists/*
COPY --chmod=755 deploy/pgbouncer/start /usr/local/bin/start-pooler
USER 65534:65534
EXPOSE 6432
CMD ["start-pooler"]
