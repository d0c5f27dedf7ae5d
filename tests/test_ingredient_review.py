"""Reviewing how ingredient lines were read (issue 16, "Review"): the edit page's table, the lines the
parser was unsure of, correcting a line without JavaScript (and through the API), corrections that
outlive re-reading while their line stays and go when it changes, putting the parser's reading back,
and refusals: bad amounts, a line that changed meanwhile, someone else's recipe, a missing CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask

from recipes.extensions import db
from recipes.ingredients.numbers import MAX_AMOUNT
from recipes.models import Recipe

from .conftest import Client, create_recipe
from .test_api import Api, make_token

STEW = {
    "title": "Bean stew",
    "servings": "Serves 4",
    "ingredients": "\n".join(
        [
            "Stew:",
            "2 cups dried beans",  # 1
            "2-3 cloves garlic, minced",  # 2
            "150g/5oz butter",  # 3
            "juice of half a lime",  # 4: the parser is unsure of it
            "some cheese if you like",  # 5
            "To serve:",
            "salt",  # 7
        ]
    ),
    "instructions": "Soak the beans.\nSimmer.",
}
UNSURE = 4
CHEESE = 5


def stored_details(app: Flask, recipe_id: int) -> list[dict[str, Any]]:
    with app.app_context():
        recipe = db.session.get(Recipe, recipe_id)
        assert recipe is not None
        return list(recipe.ingredient_details or [])


def page(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def review_rows(html: str) -> dict[int, Tag]:
    """The review table's rows by line number (from 0)."""
    table = page(html).select_one("#ingredient-readings table.readings")
    assert table is not None, html[:3000]
    return {int(str(row["id"]).removeprefix("reading-")): row for row in table.select("tr[id^=reading-]")}


def cells(row: Tag) -> dict[str, str]:
    return {str(td["data-label"]): " ".join(td.get_text(" ", strip=True).split()) for td in row.select("td")}


def line_form(client: Client, recipe_id: int, line: int) -> dict[str, str]:
    """The correction form of a line as the page fills it (the hidden line text included)."""
    response = client.get(f"/recipes/{recipe_id}/ingredients/{line}")
    assert response.status_code == 200, response.text[:2000]
    form = page(response.text).select_one("form.reading-form")
    assert form is not None
    values = {str(i["name"]): str(i.get("value", "")) for i in form.select("input[name]")}
    select = form.select_one("select[name=unit]")
    assert select is not None
    chosen = select.select_one("option[selected]")
    values["unit"] = str(chosen["value"]) if chosen else ""
    values.pop("csrf_token", None)
    return values


def correct(client: Client, recipe_id: int, line: int, **changes: str) -> Any:
    form = line_form(client, recipe_id, line)
    return client.post(f"/recipes/{recipe_id}/ingredients/{line}", data={**form, **changes})


def edit_form(ingredients: list[str]) -> dict[str, str]:
    return {**STEW, "ingredients": "\n".join(ingredients), "visibility": "private"}


# --- the review table ----------------------------------------------------------------------------


def test_the_edit_page_shows_how_each_line_was_read(alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    response = alice.get(f"/recipes/{recipe_id}/edit")
    assert response.status_code == 200
    section = page(response.text).select_one("section#ingredient-readings")
    assert section is not None
    assert section.select_one("h2").get_text(strip=True) == "How the ingredients were read"  # type: ignore[union-attr]
    table = section.select_one("table.readings.stack-narrow")
    assert table is not None
    # Section headers head their rows (one <tbody> each).
    assert [th.get_text(strip=True) for th in table.select("tbody th[scope=rowgroup]")] == ["Stew:", "To serve:"]
    rows = review_rows(response.text)
    assert cells(rows[1]) | {"Correct": ""} == {
        "Line": "2 cups dried beans",
        "Amount": "2",
        "Unit": "cup",
        "Food": "dried beans",
        "Note": "— none",
        "Correct": "",
    }
    assert cells(rows[2])["Amount"] == "2–3"  # a range, with an en dash
    assert (cells(rows[2])["Unit"], cells(rows[2])["Food"], cells(rows[2])["Note"]) == ("clove", "garlic", "minced")
    assert cells(rows[3])["Amount"] == "150 (also 5 oz)"
    assert cells(rows[7])["Amount"] == "— none"
    # Every cell says what it is on a phone (the stacked table reads data-label).
    assert all(td.has_attr("data-label") for td in table.select("td"))
    # Each line can be corrected, from a link naming it.
    link = rows[1].select_one("a[href]")
    assert link is not None and link["href"] == f"/recipes/{recipe_id}/ingredients/1"
    assert link["aria-label"] == "Correct the reading of “2 cups dried beans”"


def test_lines_the_parser_was_unsure_of_are_marked_in_words(alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    html = alice.get(f"/recipes/{recipe_id}/edit").text
    rows = review_rows(html)
    marked = {line for line, row in rows.items() if row.select_one(".reading-unsure")}
    assert marked == {UNSURE}
    badge = rows[UNSURE].select_one(".reading-unsure")
    assert badge is not None
    # Not a colour alone: a word, and a fuller one for screen readers.
    assert badge.get_text(" ", strip=True).startswith("? Check")
    assert "the parser was unsure of this line" in badge.get_text(" ", strip=True)
    note = page(html).select_one("#ingredient-readings-table .readings-note")
    assert note is not None and "unsure of 1 line" in note.get_text(" ", strip=True)


def test_a_new_recipe_has_no_review_yet(alice: Client) -> None:
    html = alice.get("/recipes/new").text
    assert page(html).select_one("#ingredient-readings") is None


def test_a_recipe_not_yet_read_is_read_for_the_page(app: Flask, alice: Client) -> None:
    """A recipe from before the readings (the backfill has not reached it) is read for the page."""
    recipe_id = create_recipe(alice, **STEW)
    with app.app_context():
        recipe = db.session.get(Recipe, recipe_id)
        assert recipe is not None
        recipe.ingredient_details = None
        db.session.commit()
    rows = review_rows(alice.get(f"/recipes/{recipe_id}/edit").text)
    assert cells(rows[1])["Food"] == "dried beans"


# --- correcting a line, without JavaScript -------------------------------------------------------


def test_the_line_page_shows_its_reading_in_a_form(alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    values = line_form(alice, recipe_id, 2)
    assert values == {
        "line_text": "2-3 cloves garlic, minced",
        "quantity": "2",
        "quantity_max": "3",
        "unit": "clove",
        "size": "",
        "food": "garlic",
        "note": "minced",
    }
    html = alice.get(f"/recipes/{recipe_id}/ingredients/{UNSURE}").text
    assert "The parser was unsure of this line" in html
    # The unit is chosen from the canonical units, grouped by kind, or none.
    units = page(html).select_one("select[name=unit]")
    assert units is not None
    assert [g["label"] for g in units.select("optgroup")][:3] == ["Volume", "Weight", "Length"]
    assert units.select_one("option[value='']").get_text() == "No unit"  # type: ignore[union-attr]
    assert units.select_one("option[value=tablespoon]").get_text() == "tablespoon (tbsp)"  # type: ignore[union-attr]


def test_correcting_a_line_keeps_the_correction(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    response = correct(alice, recipe_id, CHEESE, quantity="100", unit="gram", food="cheddar", note="if you like")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/recipes/{recipe_id}/edit#reading-{CHEESE}"
    detail = stored_details(app, recipe_id)[CHEESE]
    assert detail["text"] == "some cheese if you like"  # the line itself is untouched
    read = (detail["quantity"], detail["unit"], detail["food"], detail["note"])
    assert read == (100, "gram", "cheddar", "if you like")
    assert detail["corrected"] is True and detail["unsure"] is False
    assert detail["food_key"] == "cheddar"
    with app.app_context():
        assert db.session.get(Recipe, recipe_id).ingredients[CHEESE] == "some cheese if you like"  # type: ignore[union-attr]
    edit = alice.get(response.headers["Location"])
    assert "Line 6 is read as you corrected it." in edit.text
    row = review_rows(edit.text)[CHEESE]
    assert "Corrected by you" in row.get_text(" ", strip=True)
    assert cells(row)["Amount"] == "100" and cells(row)["Food"] == "cheddar"
    # The recipe page scales the corrected amount.
    scaled = alice.get(f"/recipes/{recipe_id}?scale=2")
    assert "200 g cheddar, if you like" in " ".join(page(scaled.text).get_text(" ").split())


def test_correcting_an_unsure_line_clears_its_mark(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    assert correct(alice, recipe_id, UNSURE, quantity="½", food="lime juice", note="").status_code == 303
    detail = stored_details(app, recipe_id)[UNSURE]
    assert (detail["quantity"], detail["food"], detail["note"], detail["unsure"]) == (0.5, "lime juice", None, False)
    assert not review_rows(alice.get(f"/recipes/{recipe_id}/edit").text)[UNSURE].select_one(".reading-unsure")


@pytest.mark.parametrize(
    ("typed", "amount"), [("1 1/2", 1.5), ("1½", 1.5), ("2,5", 2.5), (" 3 ", 3.0), ("one", 1.0), ("0.25", 0.25)]
)
def test_amounts_are_read_as_people_write_them(app: Flask, alice: Client, typed: str, amount: float) -> None:
    recipe_id = create_recipe(alice, **STEW)
    assert correct(alice, recipe_id, 1, quantity=typed, quantity_max="").status_code == 303
    assert stored_details(app, recipe_id)[1]["quantity"] == amount


def test_a_range_is_corrected_with_its_upper_amount(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    assert correct(alice, recipe_id, 1, quantity="2", quantity_max="3").status_code == 303
    detail = stored_details(app, recipe_id)[1]
    assert (detail["quantity"], detail["quantity_max"]) == (2, 3)
    assert cells(review_rows(alice.get(f"/recipes/{recipe_id}/edit").text)[1])["Amount"] == "2–3"
    # Equal ends are one amount.
    assert correct(alice, recipe_id, 1, quantity="2", quantity_max="2").status_code == 303
    assert stored_details(app, recipe_id)[1]["quantity_max"] is None


def test_changing_the_amount_drops_the_second_measure_keeping_it_keeps_it(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    assert correct(alice, recipe_id, 3, food="salted butter").status_code == 303
    detail = stored_details(app, recipe_id)[3]
    assert (detail["alt_quantity"], detail["alt_unit"], detail["unit_text"]) == (5, "ounce", "g")
    assert correct(alice, recipe_id, 3, quantity="200").status_code == 303
    detail = stored_details(app, recipe_id)[3]
    assert (detail["quantity"], detail["alt_quantity"], detail["alt_unit"]) == (200, None, None)


BAD = [
    ({"quantity": "abc"}, "quantity", "Write the amount as a number"),
    ({"quantity": "-1"}, "quantity", "An amount must be more than 0"),
    ({"quantity": "0"}, "quantity", "An amount must be more than 0"),
    ({"quantity": str(int(MAX_AMOUNT) + 1)}, "quantity", "An amount can be at most 1,000,000."),
    ({"quantity": "99999999999"}, "quantity", "An amount can be at most 1,000,000."),
    ({"quantity": "1/0"}, "quantity", "Write the amount as a number"),
    ({"quantity": "2", "quantity_max": "1"}, "quantity_max", "The upper amount must be more than the amount."),
    ({"quantity": "", "quantity_max": "3"}, "quantity_max", "Give the amount too"),
    ({"quantity_max": "lots"}, "quantity_max", "Write the amount as a number"),
    ({"food": "x" * 201}, "food", "At most 200 characters."),
    ({"note": "y" * 201}, "note", "At most 200 characters."),
    ({"unit": "furlong"}, "unit", "Not a valid choice"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_corrections_are_refused_at_their_field(
    app: Flask, alice: Client, changes: dict[str, str], field: str, message: str
) -> None:
    recipe_id = create_recipe(alice, **STEW)
    before = stored_details(app, recipe_id)
    response = correct(alice, recipe_id, 1, **changes)
    assert response.status_code == 400
    control = page(response.text).select_one(f"[name={field}]")
    assert control is not None and control.get("aria-invalid") == "true"
    errors = [e.get_text(strip=True) for e in page(response.text).select(".field-error")]
    assert any(message in error for error in errors), errors
    # What was typed stays in the form, and nothing was stored.
    assert stored_details(app, recipe_id) == before


def test_a_section_header_has_nothing_to_correct(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    html = alice.get(f"/recipes/{recipe_id}/ingredients/0").text
    assert "section header" in html and page(html).select_one("form.reading-form") is None
    before = stored_details(app, recipe_id)
    response = alice.post(
        f"/recipes/{recipe_id}/ingredients/0", data={"line_text": "Stew:", "quantity": "2", "food": "x"}
    )
    assert response.status_code == 400
    assert "section header" in response.text and page(response.text).select_one("form.reading-form") is None
    assert stored_details(app, recipe_id) == before


def test_a_line_that_is_not_there_is_404(alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    assert alice.get(f"/recipes/{recipe_id}/ingredients/8").status_code == 404
    assert alice.get(f"/recipes/{recipe_id}/ingredients/99999").status_code == 404
    assert alice.get(f"/recipes/{recipe_id + 1000}/ingredients/1").status_code == 404


# --- corrections and later edits -------------------------------------------------------------------


def test_a_correction_survives_edits_of_other_lines_and_goes_with_its_own(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    assert correct(alice, recipe_id, CHEESE, quantity="100", unit="gram", food="cheddar").status_code == 303
    lines = STEW["ingredients"].split("\n")
    # Other lines edited, one added before it, one removed: the correction follows its line.
    edited = ["2 tbsp olive oil", *lines[:2], "3 cloves garlic, minced", *lines[3:]]
    assert alice.post(f"/recipes/{recipe_id}/edit", data=edit_form(edited)).status_code == 302
    details = stored_details(app, recipe_id)
    (kept,) = [d for d in details if d["text"] == "some cheese if you like"]
    assert (kept["corrected"], kept["quantity"], kept["food"]) == (True, 100, "cheddar")
    assert sum(d["corrected"] for d in details) == 1
    row = review_rows(alice.get(f"/recipes/{recipe_id}/edit").text)[CHEESE + 1]
    assert "Corrected by you" in row.get_text(" ", strip=True)
    # Its own line changed: the parser reads the new line, the correction is gone.
    edited[CHEESE + 1] = "some cheese if you like, grated"
    assert alice.post(f"/recipes/{recipe_id}/edit", data=edit_form(edited)).status_code == 302
    details = stored_details(app, recipe_id)
    assert not any(d["corrected"] for d in details)
    assert details[CHEESE + 1]["text"] == "some cheese if you like, grated"


def test_a_line_written_twice_reads_the_same_both_times(app: Flask, alice: Client) -> None:
    """A correction names its line by its text, so re-reading would give both lines that text's
    correction: it is applied to both at once (and taken back from both)."""
    recipe_id = create_recipe(alice, title="Two salts", ingredients="Dough:\nsalt\nTopping:\nsalt")
    assert correct(alice, recipe_id, 1, quantity="1", unit="pinch", food="salt").status_code == 303
    details = stored_details(app, recipe_id)
    assert [(d["corrected"], d["unit"]) for d in (details[1], details[3])] == [(True, "pinch"), (True, "pinch")]
    assert alice.post(f"/recipes/{recipe_id}/ingredients/3/restore", data={"line_text": "salt"}).status_code == 303
    details = stored_details(app, recipe_id)
    assert [d["corrected"] for d in (details[1], details[3])] == [False, False]


def test_a_line_changed_since_the_form_was_shown_is_not_corrected(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    shown = line_form(alice, recipe_id, 1)  # the form, as the page showed it
    lines = STEW["ingredients"].split("\n")
    lines[1] = "3 cups dried beans"  # meanwhile, in another tab
    assert alice.post(f"/recipes/{recipe_id}/edit", data=edit_form(lines)).status_code == 302
    before = stored_details(app, recipe_id)
    response = alice.post(f"/recipes/{recipe_id}/ingredients/1", data={**shown, "quantity": "5"})
    assert response.status_code == 409
    alert = page(response.text).select_one("[role=alert]")
    assert alert is not None
    assert "line 2 now reads “3 cups dried beans”" in alert.get_text(" ", strip=True)
    assert stored_details(app, recipe_id) == before
    # The form now holds the line as it is, ready to correct that.
    form = page(response.text).select_one("form.reading-form")
    assert form is not None
    assert form.select_one("input[name=line_text]")["value"] == "3 cups dried beans"  # type: ignore[index]
    assert form.select_one("input[name=quantity]")["value"] == "3"  # type: ignore[index]


def test_a_line_removed_since_the_form_was_shown_is_not_corrected(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    shown = line_form(alice, recipe_id, 7)
    lines = STEW["ingredients"].split("\n")[:-1]
    assert alice.post(f"/recipes/{recipe_id}/edit", data=edit_form(lines)).status_code == 302
    before = stored_details(app, recipe_id)
    response = alice.post(f"/recipes/{recipe_id}/ingredients/7", data={**shown, "quantity": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/recipes/{recipe_id}/edit#ingredient-readings"
    assert "line 8 is no longer there" in alice.get(response.headers["Location"]).text
    assert stored_details(app, recipe_id) == before
    # Putting the parser's reading back is refused the same way.
    response = alice.post(f"/recipes/{recipe_id}/ingredients/1/restore", data={"line_text": "2 cups beans"})
    assert response.status_code == 409 and "line 2 now reads" in response.text


# --- the parser's reading again ----------------------------------------------------------------------


def test_the_parsers_reading_can_be_put_back(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    parsed = stored_details(app, recipe_id)[CHEESE]
    assert correct(alice, recipe_id, CHEESE, quantity="100", unit="gram", food="cheddar").status_code == 303
    # The line's page says what the parser reads, beside the correction.
    html = alice.get(f"/recipes/{recipe_id}/ingredients/{CHEESE}").text
    assert page(html).select_one("details.parser-reading") is not None
    # The edit page's row has the button (only corrected rows do).
    rows = review_rows(alice.get(f"/recipes/{recipe_id}/edit").text)
    assert [line for line, row in rows.items() if row.select_one("form")] == [CHEESE]
    form = rows[CHEESE].select_one("form")
    assert form is not None and form["action"] == f"/recipes/{recipe_id}/ingredients/{CHEESE}/restore"
    assert form.select_one("input[name=line_text]")["value"] == "some cheese if you like"  # type: ignore[index]
    response = alice.post(str(form["action"]), data={"line_text": "some cheese if you like"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/recipes/{recipe_id}/edit#reading-{CHEESE}"
    assert stored_details(app, recipe_id)[CHEESE] == parsed
    assert "Line 6 is read by the parser again." in alice.get(response.headers["Location"]).text


# --- who may ----------------------------------------------------------------------------------------


def test_someone_elses_recipe_cannot_be_corrected(app: Flask, alice: Client, bob: Client) -> None:
    recipe_id = create_recipe(alice, **{**STEW, "visibility": "public"})  # bob can see it, not change it
    assert bob.get(f"/recipes/{recipe_id}").status_code == 200
    before = stored_details(app, recipe_id)
    shown = line_form(alice, recipe_id, 1)
    assert bob.get(f"/recipes/{recipe_id}/ingredients/1").status_code == 404
    assert bob.post(f"/recipes/{recipe_id}/ingredients/1", data={**shown, "quantity": "9"}).status_code == 404
    restore = {"line_text": shown["line_text"]}
    assert bob.post(f"/recipes/{recipe_id}/ingredients/1/restore", data=restore).status_code == 404
    assert bob.post(f"/recipes/{recipe_id}/ingredients/preview", data={"ingredients": "1 egg"}).status_code == 404
    assert stored_details(app, recipe_id) == before


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    response = client.get(f"/recipes/{recipe_id}/ingredients/1")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_correction_needs_the_csrf_token(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    assert correct(alice, recipe_id, CHEESE, food="cheddar").status_code == 303
    before = stored_details(app, recipe_id)
    shown = line_form(alice, recipe_id, 1)
    response = alice.post(f"/recipes/{recipe_id}/ingredients/1", data={**shown, "quantity": "9"}, csrf=False)
    assert response.status_code == 400
    restore = {"line_text": "some cheese if you like"}
    assert alice.post(f"/recipes/{recipe_id}/ingredients/{CHEESE}/restore", data=restore, csrf=False).status_code == 400
    preview = alice.post(f"/recipes/{recipe_id}/ingredients/preview", data={"ingredients": "1 egg"}, csrf=False)
    assert preview.status_code == 400
    assert stored_details(app, recipe_id) == before


# --- the live preview (static/readings.js) -------------------------------------------------------------


def test_the_preview_reads_the_box_as_saving_would(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    assert correct(alice, recipe_id, CHEESE, quantity="100", unit="gram", food="cheddar").status_code == 303
    before = stored_details(app, recipe_id)
    lines = STEW["ingredients"].split("\n")
    typed = "\n".join([*lines, "4 large eggs, beaten"])
    response = alice.post(f"/recipes/{recipe_id}/ingredients/preview", data={"ingredients": typed})
    assert response.status_code == 200
    fragment = page(response.text)
    assert fragment.select_one("#ingredient-readings-table") is not None
    assert "Not saved yet" in response.text
    rows = {int(str(r["id"]).removeprefix("reading-")): r for r in fragment.select("tr[id^=reading-]")}
    assert cells(rows[8])["Amount"] == "4" and "eggs" in cells(rows[8])["Food"]
    assert "Corrected by you" in rows[CHEESE].get_text(" ", strip=True)  # kept, as saving keeps it
    assert not fragment.select("a[href*='/ingredients/'], form")  # unsaved lines cannot be corrected yet
    assert stored_details(app, recipe_id) == before  # nothing stored
    # The box as saved: the saved table, with its links.
    same = alice.post(f"/recipes/{recipe_id}/ingredients/preview", data={"ingredients": STEW["ingredients"]})
    assert "Not saved yet" not in same.text and page(same.text).select("a[href*='/ingredients/1']")


def test_the_edit_page_loads_the_preview_script_and_says_where_to_post(alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    html = alice.get(f"/recipes/{recipe_id}/edit").text
    assert re.search(r'<script src="/static/readings\.js[^"]*" defer>', html)
    section = page(html).select_one("#ingredient-readings")
    assert section is not None and section["data-readings-preview"] == f"/recipes/{recipe_id}/ingredients/preview"


# --- the API --------------------------------------------------------------------------------------------


@pytest.fixture
def alice_api_and_recipe(app: Flask, alice: Client) -> tuple[Api, int]:
    recipe_id = create_recipe(alice, **STEW)
    return Api(app.test_client(), make_token(app, "alice")), recipe_id  # type: ignore[arg-type]


def test_the_api_sets_and_drops_a_correction(app: Flask, alice_api_and_recipe: tuple[Api, int]) -> None:
    api, recipe_id = alice_api_and_recipe
    body = {"text": "some cheese if you like", "quantity": 100, "unit": "g", "food": "cheddar", "note": "if you like"}
    response = api.put(f"/recipes/{recipe_id}/ingredients/{CHEESE}/correction", json=body)
    assert response.status_code == 200, response.json
    detail = response.json["ingredient_details"][CHEESE]
    assert (detail["quantity"], detail["unit"], detail["food"], detail["corrected"]) == (100, "gram", "cheddar", True)
    assert api.get(f"/recipes/{recipe_id}").json["ingredient_details"][CHEESE]["corrected"] is True
    # What the page sets, the API reads, and the other way round.
    assert stored_details(app, recipe_id)[CHEESE]["food"] == "cheddar"
    # A PATCH of other lines keeps it (the line's text is unchanged).
    lines = api.get(f"/recipes/{recipe_id}").json["ingredients"]
    patched = api.patch(f"/recipes/{recipe_id}", json={"ingredients": [*lines, "1 lemon"]})
    assert patched.json["ingredient_details"][CHEESE]["corrected"] is True
    response = api.delete(f"/recipes/{recipe_id}/ingredients/{CHEESE}/correction")
    assert response.status_code == 200
    assert response.json["ingredient_details"][CHEESE]["corrected"] is False
    assert response.json["ingredient_details"][CHEESE]["food"] == "some cheese if you like"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": -1}, "quantity"),
        ({"quantity": MAX_AMOUNT * 2}, "quantity"),
        ({"quantity": "2"}, "quantity"),
        ({"quantity": 2, "quantity_max": 1}, "quantity_max"),
        ({"quantity_max": 3}, "quantity_max"),
        ({"unit": "furlong"}, "unit"),
        ({"food": "x" * 201}, "food"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_the_api_refuses_bad_corrections(
    app: Flask, alice_api_and_recipe: tuple[Api, int], body: dict[str, Any], field: str
) -> None:
    api, recipe_id = alice_api_and_recipe
    before = stored_details(app, recipe_id)
    response = api.put(f"/recipes/{recipe_id}/ingredients/1/correction", json={"text": "2 cups dried beans", **body})
    assert response.status_code == 422, response.json
    assert response.json["error"]["field"] == field
    assert stored_details(app, recipe_id) == before


def test_the_api_refuses_a_changed_line_a_missing_one_and_a_header(
    app: Flask, alice_api_and_recipe: tuple[Api, int]
) -> None:
    api, recipe_id = alice_api_and_recipe
    before = stored_details(app, recipe_id)
    stale = api.put(f"/recipes/{recipe_id}/ingredients/1/correction", json={"text": "2 cups beans", "quantity": 3})
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "line_changed" and stale.json["error"]["line"] == 1
    assert "now reads “2 cups dried beans”" in stale.json["error"]["message"]
    gone = api.put(f"/recipes/{recipe_id}/ingredients/50/correction", json={"text": "2 cups beans", "quantity": 3})
    assert gone.status_code == 409
    assert api.delete(f"/recipes/{recipe_id}/ingredients/50/correction").status_code == 404
    drop_stale = api.delete(f"/recipes/{recipe_id}/ingredients/1/correction", query_string={"text": "nope"})
    assert drop_stale.status_code == 409
    header = api.put(f"/recipes/{recipe_id}/ingredients/0/correction", json={"text": "Stew:", "quantity": 3})
    assert header.status_code == 422 and header.json["error"]["field"] == "text"
    assert stored_details(app, recipe_id) == before


def test_the_api_will_not_correct_someone_elses_recipe(
    app: Flask, alice_api_and_recipe: tuple[Api, int], make_user: Any
) -> None:
    api, recipe_id = alice_api_and_recipe
    api.patch(f"/recipes/{recipe_id}", json={"visibility": "public"})
    make_user("bob")
    bob = Api(app.test_client(), make_token(app, "bob"))  # type: ignore[arg-type]
    assert bob.get(f"/recipes/{recipe_id}").status_code == 200
    body = {"text": "2 cups dried beans", "quantity": 3}
    assert bob.put(f"/recipes/{recipe_id}/ingredients/1/correction", json=body).status_code == 404
    assert bob.delete(f"/recipes/{recipe_id}/ingredients/1/correction").status_code == 404


def test_the_api_correction_from_a_signed_in_browser_needs_the_csrf_token(alice: Client) -> None:
    recipe_id = create_recipe(alice, **STEW)
    body = {"text": "2 cups dried beans", "quantity": 3}
    response = alice.put(f"/api/v1/recipes/{recipe_id}/ingredients/1/correction", json=body)
    assert response.status_code == 400
    headers = {"X-CSRFToken": alice.csrf_token()}
    response = alice.put(f"/api/v1/recipes/{recipe_id}/ingredients/1/correction", json=body, headers=headers)
    assert response.status_code == 200


def test_the_api_documents_the_correction(client: Client) -> None:
    document = client.get("/api/openapi.json").json
    assert document is not None
    operations = document["paths"]["/api/v1/recipes/{recipe_id}/ingredients/{line}/correction"]
    assert operations["put"]["operationId"] == "correctIngredient"
    assert operations["delete"]["operationId"] == "deleteIngredientCorrection"
    assert "409" in operations["put"]["responses"]
