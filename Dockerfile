# syntax=docker/dockerfile:1
# Images of the EOSC Performance Dashboard:
#   docker build -t eosc-perf-dashboard .                 the single-user image (default)
#   docker build --target hub -t eosc-perf-dashboard-hub .  Zero to JupyterHub's hub + Check-in logic

FROM python:3.12.8-slim-bookworm AS source
WORKDIR /src
COPY pyproject.toml README.md ./
COPY dashboard ./dashboard

# The hub of Zero to JupyterHub 4.4.0, with dashboard.hub.checkin importable by its config.
FROM quay.io/jupyterhub/k8s-hub:4.4.0 AS hub
USER 0
COPY --from=source /src /tmp/eosc-perf-dashboard
RUN pip install --no-cache-dir --no-deps /tmp/eosc-perf-dashboard \
    && rm -rf /tmp/eosc-perf-dashboard
USER 1000

# A user server: jupyterhub-singleuser and JupyterLab, the dashboard behind
# jupyter-server-proxy at /user/<name>/dashboard/ (the hub's default URL).
FROM python:3.12.8-slim-bookworm AS singleuser
ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=source /src /tmp/eosc-perf-dashboard
# jemalloc: the dashboard's server runs on it, and gives memory back (dashboard/allocator.py)
RUN apt-get update \
    && apt-get install -y --no-install-recommends libjemalloc2=5.3.0-1 \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir "/tmp/eosc-perf-dashboard[hub]" "jupyterlab>=4.2,<5" \
    && rm -rf /tmp/eosc-perf-dashboard \
    && useradd --create-home --uid 1000 --shell /bin/bash jovyan
USER 1000
WORKDIR /home/jovyan
ENV EOSC_PERF_API_URL=https://performance.services.fedcloud.eu/api/v1
EXPOSE 8888
CMD ["jupyterhub-singleuser"]
