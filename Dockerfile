# Recipes, as self-hosters run it:
#   docker build -t recipes .
#   docker run -d --name recipes -p 8288:8288 -v recipes-config:/config recipes
# Everything the app keeps (database, secret key, Gunicorn config, backups) is in /config.

# ---- build: a virtualenv with the app and its dependencies -------------------------------
FROM python:3.12-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# .dockerignore is an allow-list: only what the package needs reaches this stage.
COPY . .
RUN pip install --no-cache-dir .

# ---- runtime ------------------------------------------------------------------------------
FROM python:3.12-slim

LABEL org.opencontainers.image.title="Recipes" \
      org.opencontainers.image.description="A self-hosted recipe manager"

# Never write .pyc files (the Gunicorn config is imported from /config) and log unbuffered.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    RECIPES_CONFIG_DIR=/config \
    PORT=8288

# tini is PID 1: it reaps zombies and passes signals on to Gunicorn.
# The app runs as a fixed, unprivileged uid so bind mounts can be prepared for it (chown 10001).
# Its home directory holds only runtime odds and ends (Gunicorn's control socket).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 recipes \
    && useradd --uid 10001 --gid 10001 --no-log-init --create-home \
        --shell /usr/sbin/nologin recipes \
    && mkdir -p /config \
    && chown 10001:10001 /config \
    && chmod 0750 /config

COPY --from=build /opt/venv /opt/venv
COPY --chmod=0755 entrypoint.sh healthcheck.py /app/

WORKDIR /app
USER 10001:10001
# A new named volume is initialised from the image's /config, so it gets the owner above.
VOLUME /config
EXPOSE 8288

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/opt/venv/bin/python", "/app/healthcheck.py"]

ENTRYPOINT ["/usr/bin/tini", "--", "/app/entrypoint.sh"]
