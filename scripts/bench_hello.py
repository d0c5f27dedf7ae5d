"""The benchmark's baseline: the smallest Flask app, served by the same Gunicorn settings as Recipes.

`scripts/bench.py` runs it as `gunicorn -c <config>/gunicorn.conf.py --pythonpath scripts bench_hello:app`,
so the ratio of a Recipes page's throughput to this one's can be compared across machines.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
