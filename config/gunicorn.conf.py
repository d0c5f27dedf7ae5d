# Gunicorn settings for Recipes. This file is copied into the config directory on
# first start and never overwritten afterwards: edit that copy to tune your server.
# Each value can also be set from the environment, as noted.
import os

# The app is loaded once, in the master, and shared by the workers it forks: each worker then
# holds little of its own (recipes/preload.py says how). With preload_app = False each worker
# loads its own copy (wsgi_app = "recipes:create_app()"), about 50 MiB more a worker.
wsgi_app = "recipes.preload:app"
preload_app = True

# PORT (default 8288) on all interfaces; publish or proxy it as you like.
bind = f"0.0.0.0:{os.environ.get('PORT', '8288')}"

# WEB_CONCURRENCY workers; by default one per CPU this process may use, at least 2 (one serves
# while another restarts) and at most 4. Measured on 2 CPUs (docs/performance.md, "The worker
# count"): 2 workers served the list and searches fastest and with the lowest p95; 3 and 4 only
# added memory (about 11 MiB each idle, 25 MiB after a load) and queued on the same CPUs.
cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
workers = int(os.environ.get("WEB_CONCURRENCY") or min(max(cpus, 2), 4))
# Cooperative (gevent) workers: a client that sends its request slowly, or never finishes it,
# costs a few kilobytes while the worker serves others. A sync worker would be stuck with it
# until `timeout` (the app reads every body in full before it starts work: recipes/request_body.py).
worker_class = "gevent"
# Open connections per worker, slow ones included.
worker_connections = 1000
# A worker that stops answering Gunicorn's heartbeat (a request busy on the CPU this long) is
# replaced. A slow upload keeps the worker answering, so it is not cut off by this.
timeout = 60
# Below Docker's 10 s stop timeout, so in-flight requests finish before a SIGKILL.
graceful_timeout = 8
# No keep-alive: every request is a new connection, taken by whichever worker is free. With
# keep-alive a browser's connection stays with the worker that took it, busy or not (cooperative
# workers take many), so a page could wait behind another one while the other workers idle.
keepalive = 0
# The longest request line Gunicorn takes (its maximum; the default is 4094). A search in a
# non-Latin script costs up to 12 bytes per character in the URL.
limit_request_line = 8190

# Logs go to stdout/stderr, where `docker logs` finds them.
accesslog = "-"
errorlog = "-"
# The access log with share links' tokens cut short (they are secrets; see recipes/access_log.py).
logger_class = "recipes.access_log.AccessLogWithoutSecrets"
loglevel = os.environ.get("LOG_LEVEL", "info")

# Heartbeat files in memory, not on a possibly slow disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Behind RECIPES_PROXY_COUNT reverse proxies, trust their X-Forwarded-* headers
# (the app applies Werkzeug's ProxyFix with the same count). With none, trust no client,
# loopback included (Gunicorn's default trusts 127.0.0.1 and ::1): nobody may choose the
# scheme (X-Forwarded-Proto) or the path prefix (a SCRIPT_NAME header) of the app's links.
if int(os.environ.get("RECIPES_PROXY_COUNT") or 0) > 0:
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
else:
    forwarded_allow_ips = ""
    forwarder_headers = ""
    secure_scheme_headers = {}

# Gunicorn 25+ opens a control socket in $HOME; several servers on one machine would
# share that path, and nothing here uses it. (Older Gunicorn ignores this setting.)
control_socket_disable = True
