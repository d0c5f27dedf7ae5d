"""Reading a whole library's ingredient lines (the backfill): each distinct line once, in a bounded
memory of lines, in worker processes for a large library; a failure leaves no batch half-written,
a worker that dies leaves the reading to this process, and a line the parser cannot read gets a
reading with no amount."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Sequence
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from recipes.extensions import db
from recipes.ingredients import backfill as backfill_module
from recipes.ingredients import batch_reading, parser
from recipes.ingredients.backfill import backfill, unread_count
from recipes.ingredients.batch_reading import Batch, BatchReader, Remembered, default_workers
from recipes.ingredients.detail import IngredientDetail
from recipes.ingredients.recipe_lines import READER_VERSION, read_lines, stored
from recipes.models import Recipe

LINES = [
    "For the dough:",
    "2 1/2 cups all-purpose flour",
    "1 tsp salt",
    "2 large eggs",
    "150g/5oz butter, softened",
    "salt and pepper to taste",
]
FAILING = "3 cups of the line that fails"
PARENT = os.getpid()


def lines_of(number: int) -> list[str]:
    """A recipe's lines: the common ones, and one of its own."""
    return [*LINES, f"{number + 1} tbsp olive oil"]


@pytest.fixture
def unread(app: Flask, make_user: Any) -> list[int]:
    """30 recipes whose lines are not read yet (as migration 0011 leaves a library)."""
    from recipes.cookbook.services import RecipeData, create_recipe
    from recipes.models import User

    user_id = make_user("alice")
    ids = []
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        for number in range(30):
            ingredients = [*lines_of(number), FAILING] if number == 14 else lines_of(number)
            recipe = create_recipe(user, RecipeData(title=f"Recipe {number}", ingredients=ingredients))
            ids.append(recipe.id)
        db.session.execute(db.update(Recipe).values(ingredient_details=None, ingredients_read_by=None))
        db.session.commit()
    return ids


def readings(app: Flask, ids: Sequence[int]) -> list[tuple[list[dict[str, Any]] | None, int | None]]:
    with app.app_context():
        rows = db.session.execute(
            db.select(Recipe.ingredient_details, Recipe.ingredients_read_by)
            .where(Recipe.id.in_(ids))
            .order_by(Recipe.id)
        ).all()
        return [(details, version) for details, version in rows]


# Module-level, so a forked worker finds them by name.
def fails_on_a_line(lines: Sequence[str]) -> list[dict[str, Any]]:
    if FAILING in lines:
        raise RuntimeError("the reading failed")
    return [parser_reading(line) for line in lines]


def dies_in_a_worker(lines: Sequence[str]) -> list[dict[str, Any]]:
    if os.getpid() != PARENT:
        os._exit(3)  # as if killed for its memory
    return [parser_reading(line) for line in lines]


def parser_reading(line: str) -> dict[str, Any]:
    return stored(read_lines([line]))[0]


def test_to_json_gives_every_field_as_asdict_does() -> None:
    detail = IngredientDetail(
        "1 1/2 cups (360 ml) milk, warm", False, 1.5, 2.0, "cup", "cups", "milk", "warm", "large", 360.0,
        "millilitre", "milk", True, True,
    )  # fmt: skip
    assert detail.to_json() == dataclasses.asdict(detail)
    assert list(detail.to_json()) == [field.name for field in dataclasses.fields(IngredientDetail)]
    assert IngredientDetail.from_json({**detail.to_json(), "from_a_later_version": 1}) == detail


def test_remembered_keeps_the_lines_used_last_and_no_more_than_its_limit() -> None:
    remembered = Remembered(limit=2)
    remembered.put("a", {"text": "a"})
    remembered.put("b", {"text": "b"})
    assert remembered["a"] == {"text": "a"}  # used: now the newest
    remembered.put("c", {"text": "c"})
    assert len(remembered) == 2
    assert "b" not in remembered and "a" in remembered and "c" in remembered
    with pytest.raises(KeyError):
        remembered["b"]
    nothing = Remembered(limit=0)
    nothing.put("a", {"text": "a"})
    assert len(nothing) == 0
    with pytest.raises(ValueError):
        Remembered(limit=-1)
    with pytest.raises(ValueError):
        BatchReader(workers=-1)


@pytest.mark.parametrize(("workers", "remembered"), [(0, 50_000), (0, 0), (0, 3), (2, 50_000), (2, 1)])
def test_a_batch_reads_as_read_lines_does_with_corrections_kept(workers: int, remembered: int) -> None:
    corrected = read_lines(["2 large eggs"])[0].with_changes(food="duck eggs", corrected=True).to_json()
    recipes: list[tuple[list[str], Any]] = [
        (lines_of(1), None),
        (lines_of(2), [corrected]),  # a person's reading of "2 large eggs"
        (lines_of(1) + lines_of(1), [{"text": "not a line of it", "corrected": True}, "junk", {"text": 3}]),
        ([], None),
        (["", "  ", "x" * 1000, "1/0 cup", "\x00\x07 2 cups sugar"], None),
    ]
    with BatchReader(workers, remembered) as reader:
        for _ in range(2):  # the second time from what it remembers
            got = reader.read(recipes)
            assert got == [stored(read_lines(lines, known)) for lines, known in recipes]
            assert got[1][3]["food"] == "duck eggs" and got[1][3]["corrected"] is True
            assert len(reader.remembered) <= remembered


def test_each_distinct_line_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counted(line: str) -> IngredientDetail:
        calls.append(line)
        return IngredientDetail(text=line)

    monkeypatch.setattr(batch_reading, "read_line", counted)
    with BatchReader() as reader:
        reader.read([(lines_of(1), None), (lines_of(2), None), (lines_of(1), None)])
        assert sorted(calls) == sorted({*lines_of(1), *lines_of(2)})
        calls.clear()
        reader.read([(lines_of(2), None), (lines_of(3), None)])
        assert calls == [lines_of(3)[-1]]


@pytest.mark.parametrize(("workers", "remembered"), [(0, 50_000), (0, 1), (2, 50_000), (2, 1)])
def test_batches_read_side_by_side_read_as_one_after_the_other(workers: int, remembered: int) -> None:
    first = [(lines_of(1), None), (lines_of(2), None)]
    second = [(lines_of(2), None), (lines_of(3), None), (["2 large eggs", "a new line"], None)]
    with BatchReader(workers, remembered) as reader:
        ahead = reader.submit(first)
        behind = reader.submit(second)  # shares lines with the batch ahead, still being read
        assert ahead.result() == [stored(read_lines(lines, known)) for lines, known in first]
        assert behind.result() == [stored(read_lines(lines, known)) for lines, known in second]


def test_the_backfill_reads_each_distinct_line_of_the_library_once(
    app: Flask, unread: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = batch_reading.read_line

    def counted(line: str) -> IngredientDetail:
        calls.append(line)
        return real(line)

    monkeypatch.setattr(batch_reading, "read_line", counted)
    with app.app_context():
        assert backfill(db.session, batch=7, workers=0) == len(unread)
        every_line = [line for r in db.session.scalars(db.select(Recipe)) for line in r.ingredients]
    assert sorted(calls) == sorted(set(every_line))


def test_workers_only_for_a_large_library_with_cpus_to_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_reading, "cpu_count", lambda: 8)
    assert default_workers(batch_reading.WORKERS_FROM - 1) == 0
    assert default_workers(batch_reading.WORKERS_FROM) == batch_reading.MAX_WORKERS
    monkeypatch.setattr(batch_reading, "cpu_count", lambda: 2)
    assert default_workers(50_000) == 2
    monkeypatch.setattr(batch_reading, "cpu_count", lambda: 1)
    assert default_workers(50_000) == 0


@pytest.mark.parametrize("workers", [0, 2])
def test_the_backfill_reads_every_recipe_as_saving_it_would(app: Flask, unread: list[int], workers: int) -> None:
    with app.app_context():
        assert backfill(db.session, batch=7, workers=workers) == len(unread)
        assert unread_count(db.session) == 0
        recipes = db.session.scalars(db.select(Recipe).order_by(Recipe.id)).all()
        for recipe in recipes:
            assert recipe.ingredients_read_by == READER_VERSION
            assert recipe.ingredient_details == stored(read_lines(recipe.ingredients))


@pytest.mark.parametrize("workers", [0, 2])
def test_a_failed_reading_leaves_its_batch_unwritten(
    app: Flask, unread: list[int], workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_reading, "read_stored", fails_on_a_line)
    with app.app_context(), pytest.raises(RuntimeError, match="the reading failed"):
        backfill(db.session, batch=10, workers=workers)
    found = readings(app, unread)
    # The first batch is written, whole; the failing one (recipes 11-20) and the rest are untouched.
    assert all(version == READER_VERSION and details for details, version in found[:10])
    assert all(details is None and version is None for details, version in found[10:])
    with app.app_context():
        assert unread_count(db.session) == 20
    monkeypatch.undo()
    with app.app_context():
        assert backfill(db.session, batch=10, workers=workers) == 20
        assert unread_count(db.session) == 0


def test_a_worker_that_dies_leaves_the_reading_to_this_process(
    app: Flask, unread: list[int], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(batch_reading, "read_stored", dies_in_a_worker)
    with app.app_context(), caplog.at_level(logging.WARNING, "recipes.ingredients.batch_reading"):
        assert backfill(db.session, batch=10, workers=2) == len(unread)
        assert unread_count(db.session) == 0
        recipes = db.session.scalars(db.select(Recipe).order_by(Recipe.id)).all()
        assert all(r.ingredient_details == stored(read_lines(r.ingredients)) for r in recipes)
    assert "reading them in this one" in caplog.text


def test_a_line_the_parser_fails_on_gets_a_reading_with_no_amount(
    app: Flask, unread: list[int], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = parser.tokenize

    def tokenize(line: str) -> Any:
        if "fails" in line:
            raise IndexError("a fault of the parser's")
        return real(line)

    monkeypatch.setattr(parser, "tokenize", tokenize)
    parser._parse_remembered.cache_clear()
    try:
        with caplog.at_level(logging.ERROR, "recipes.ingredients.parser"):
            detail = parser.parse_line(FAILING)
        assert (detail.text, detail.quantity, detail.unit, detail.unsure) == (FAILING, None, None, True)
        assert "could not read the ingredient line" in caplog.text
        with app.app_context():
            assert backfill(db.session, workers=2) == len(unread)
        details, _ = readings(app, [unread[14]])[0]
        assert details is not None
        reading = next(d for d in details if d["text"] == FAILING)
        assert reading["quantity"] is None and reading["unsure"] is True
        assert details[2]["quantity"] == 1 and details[2]["unit"] == "teaspoon"  # the other lines as ever
        monkeypatch.undo()
        assert parser.parse_line(FAILING).quantity == 3  # the failure was not remembered
    finally:
        parser._parse_remembered.cache_clear()


def test_running_out_of_memory_is_not_a_line_without_an_amount(monkeypatch: pytest.MonkeyPatch) -> None:
    def tokenize(line: str) -> Any:
        raise MemoryError

    monkeypatch.setattr(parser, "tokenize", tokenize)
    with pytest.raises(MemoryError):
        parser.parse_line("7 cups of a line read when memory ran out")


def test_a_recipe_edited_while_its_batch_is_read_keeps_its_edit(
    app: Flask, unread: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from recipes.cookbook.services import RecipeData, update_recipe
    from recipes.models import User

    edited = unread[3]
    real = Batch.result

    def read_then_edit(self: Batch) -> Any:
        found = real(self)
        with app.app_context():  # someone saves the recipe meanwhile, in a session of their own
            recipe = db.session.get(Recipe, edited)
            assert recipe is not None
            owner = db.session.get(User, recipe.owner_id)
            assert owner is not None
            update_recipe(owner, edited, RecipeData(title="Edited", ingredients=["4 cups milk"]))
        return found

    monkeypatch.setattr(Batch, "result", read_then_edit)
    with app.app_context():
        backfill(db.session, batch=10, workers=0)
    details, version = readings(app, [edited])[0]
    assert version == READER_VERSION
    assert details is not None and [d["text"] for d in details] == ["4 cups milk"]
    assert details[0]["quantity"] == 4


def test_the_cli_takes_a_number_of_workers(app: Flask, unread: list[int], runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["ingredients", "backfill", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert f"Read the ingredients of {len(unread)} of {len(unread)} recipes" in result.output
    assert f"Read the ingredients of {len(unread)} recipes." in result.output
    refused = runner.invoke(args=["ingredients", "backfill", "--workers", "-1"])
    assert refused.exit_code == 2
    assert "-1" in refused.output


def test_the_backfill_chooses_its_workers_from_the_unread_count(
    app: Flask, unread: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[int] = []
    monkeypatch.setattr(backfill_module, "default_workers", lambda total: chosen.append(total) or 0)
    with app.app_context():
        backfill(db.session)
    assert chosen == [len(unread)]


def test_a_forked_process_reads_lines_though_the_parent_was_reading_at_the_fork() -> None:
    import multiprocessing
    import warnings

    from recipes.ingredients.tagger import tagger

    context = multiprocessing.get_context("fork")
    child = context.Process(target=_read_one_line_or_fail)
    with tagger()._lock, warnings.catch_warnings():  # as if another thread of this process were reading
        warnings.simplefilter("ignore", DeprecationWarning)
        child.start()
    child.join(120)  # (a guard against hanging the suite, not a measure of time)
    if child.exitcode is None:
        child.kill()
        child.join()
    assert child.exitcode == 0


def _read_one_line_or_fail() -> None:
    detail = parser.parse_uncached("2 cups flour")
    os._exit(0 if detail.quantity == 2 else 1)
