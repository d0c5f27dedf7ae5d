"""The app, with the body idle timeout shortened to a second: for tests/test_slow_requests.py
to watch a stalled body be given up on under Gunicorn's gevent workers without waiting a minute."""

from __future__ import annotations

import recipes.request_body as request_body
from recipes import create_app

request_body.BODY_IDLE_SECONDS = 1
app = create_app()
