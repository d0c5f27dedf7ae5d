"""A large file import does not leave the worker large: its growth is bounded and does not add
up over imports (the probe saw a worker go from 68 MB to 650 MB and stay there).

Measured in a fresh process (resident memory from /proc), since the test process's own memory
says nothing. Reading the file happens in a forked child (importing/files/service.read_in_child),
the pieces are saved slice by slice, and the free heap goes back to the system afterwards
(recipes/memory.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from . import database_fixtures as dbf


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads resident memory from /proc")
@pytest.mark.skipif(dbf.using_postgres(), reason="the same code path on both; measured once")
def test_a_large_import_gives_its_memory_back(app_config: dict[str, Any]) -> None:
    script = textwrap.dedent(
        f"""
        import io, json, zipfile
        from recipes import create_app
        from recipes.auth.services import create_user
        from recipes.database import write_intent
        from recipes.extensions import db
        from recipes.importing.files.service import import_file
        from recipes.memory import give_back, resident_bytes

        app = create_app(json.loads({json.dumps(json.dumps(app_config))}))
        with app.app_context(), write_intent():
            user = create_user("carol", "a long enough password")
            recipes = [
                {{"title": f"Stew {{i}}", "description": f"{{i}} " * 5000,
                  "ingredients": [f"{{i}} cup flour {{n}}" for n in range(300)],
                  "instructions": [f"Stir {{n}} times." for n in range(100)]}}
                for i in range(600)
            ]
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
                archive.writestr("recipes.json", json.dumps(recipes))
            data = buffer.getvalue()
            del recipes, buffer
            size = len(data)
            # A worker that has read ingredient lines once holds the parser's model and the units
            # table for good (loaded on first use, not per import): the baseline includes them.
            from recipes.ingredients.recipe_lines import read_lines
            from recipes.ingredients.units import convert
            read_lines(["1 cup flour"])
            convert(1, "cup", "millilitre")
            give_back()
            before = resident_bytes()  # with the upload in memory, as in the worker
            summary = import_file(user, data, "recipes-export.zip")
            db.session.remove()
            give_back()
            first = resident_bytes()
            again = import_file(create_user("dave", "a long enough password"), data, "recipes-export.zip")
            del data  # as the import page lets go of the upload when it answers
            db.session.remove()
            give_back()
            print(json.dumps({{"before": before, "first": first, "after": resident_bytes(), "size": size,
                               "imported": len(summary.imported) + len(again.imported)}}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    numbers = json.loads(done.stdout.strip().splitlines()[-1])
    assert numbers["imported"] == 1200
    # The file (16 MB) is several times that once parsed.
    # In a worker that parsed it itself, all of that stayed; here what stays is bounded, and a
    # second import of the same size reuses it instead of adding to it.
    # Since issue 16 every ingredient line also gets its reading (about 3 times the line's size as
    # JSON), so a first import grows by about 3.3 times the file, where it was under 3 times: the
    # bound is 4 times. (To bring it down: read the lines slice by slice, as the rows are written.)
    assert numbers["first"] - numbers["before"] < 4 * numbers["size"], numbers
    assert numbers["after"] - numbers["first"] < numbers["size"] // 2, numbers
