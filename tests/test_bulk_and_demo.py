"""Adding many recipes at once: `recipes demo-data` and the bulk service under it."""

from __future__ import annotations

import re

import pytest

from recipes.cookbook.bulk import add_recipes
from recipes.cookbook.services import RecipeData, RecipeInvalid
from recipes.extensions import db
from recipes.models import Recipe, Tag, User


def owner(username: str) -> User:
    user = db.session.scalar(db.select(User).where(User.username == username))
    assert user is not None
    return user


def test_demo_data_creates_searchable_recipes(app, runner, make_user, login_as):
    make_user("cook")
    result = runner.invoke(args=["demo-data", "--user", "cook", "--recipes", "120", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Added 120 recipes for cook." in result.output
    with app.app_context():
        recipes = db.session.scalars(db.select(Recipe)).all()
        assert len(recipes) == 120
        assert len({r.title for r in recipes}) > 60
        assert all(r.ingredients and r.instructions and r.tags for r in recipes)
        garlic = sum("garlic" in " ".join(r.ingredients).lower() for r in recipes)
    client = login_as("taster")
    client.application.config["RECIPES_PER_PAGE"] = 100
    # taster sees only the public ones; the owner's search finds every garlic recipe.
    cook = client.application.test_client()
    from .conftest import AuthActions

    AuthActions(cook).login("cook")
    page = cook.get("/recipes/?has=garlic&per_page=100").text
    assert f"{garlic} recipe" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["demo-data", "--user", "nobody", "--recipes", "5"], "no user named 'nobody'"),
        (["demo-data", "--user", "cook", "--recipes", "0"], "0 is not in the range"),
    ],
)
def test_demo_data_errors(runner, make_user, args, message):
    make_user("cook")
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_bulk_add_validates_and_adds_nothing_on_error(app, make_user):
    make_user("cook")
    good = RecipeData(title="Fine", ingredients=["1 egg"], tags=["Quick", "quick", "eggs"])
    bad = RecipeData(title="   ", ingredients=["x"])
    with app.app_context():
        with pytest.raises(RecipeInvalid):
            add_recipes(owner("cook"), [good] * 3 + [bad], batch_size=2)
        assert db.session.scalar(db.select(db.func.count()).select_from(Recipe)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Tag)) == 0


def test_bulk_add_reuses_tags_and_indexes_everything(app, make_user, login_as):
    make_user("cook")
    items = [RecipeData(title=f"Soup number {n}", ingredients=["1 leek"], tags=["Soup", "winter"]) for n in range(5)]
    with app.app_context():
        ids = add_recipes(owner("cook"), items, batch_size=2)
        add_recipes(owner("cook"), [RecipeData(title="Another", tags=["soup"])])
        assert len(ids) == 5 and ids == sorted(ids)
        assert sorted(db.session.scalars(db.select(Tag.name))) == ["soup", "winter"]
    client = app.test_client()
    from .conftest import AuthActions

    AuthActions(client).login("cook")
    page = client.get("/recipes/?q=leek").text
    assert len(re.findall(r"<h3>", page)) == 5
