from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from ..images.processing import MAX_UPLOAD_BYTES, accepted_description
from ..models import HOUSEHOLD, PRIVATE, PUBLIC, Recipe
from ..web import Form
from . import limits
from . import recipe_text as text
from .services import RecipeData


class MinutesField(IntegerField):
    """Minutes: a whole number; one too long to be a time (which WTForms' NumberRange cannot
    even compare: `int too large to convert to float`) is the same range error as any other."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        value = self.data
        if isinstance(value, int) and abs(value) > 10 * limits.MINUTES_MAX:
            self.data = None
            raise ValueError(limits.MINUTES_RANGE)


MINUTES = [Optional(), NumberRange(min=0, max=limits.MINUTES_MAX, message=limits.MINUTES_RANGE)]


def _at_most(limit: int) -> Callable[[Form, Field], None]:
    """At most `limit` characters, counted as the services count them: without the spaces
    around the text, and a line break as one character (browsers send two)."""

    def check(form: Form, field: Field) -> None:
        if len((field.data or "").replace("\r\n", "\n").strip()) > limit:
            raise ValidationError(limits.too_long(limit))

    return check


def http_url(form: Form, field: StringField) -> None:
    value = (field.data or "").strip()
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError(limits.SOURCE_NOT_HTTP)


class RecipeForm(Form):
    # The ingredient and instruction boxes have no length check of their own: their limits
    # are on the lines and steps (`limits`), which `services.validate` checks for every path.
    title = StringField("Title", validators=[DataRequired(message=limits.TITLE_MISSING), _at_most(limits.TITLE_MAX)])
    description = TextAreaField("Description", validators=[_at_most(limits.DESCRIPTION_MAX)])
    ingredients = TextAreaField(
        "Ingredients",
        description="One per line. End a line with : to start a section.",
    )
    instructions = TextAreaField(
        "Instructions",
        description="One step per line, or one per paragraph with blank lines between.",
    )
    servings = StringField("Servings / yield", validators=[_at_most(limits.SERVINGS_MAX)])
    prep_time = MinutesField("Prep time (minutes)", validators=MINUTES)
    cook_time = MinutesField("Cook time (minutes)", validators=MINUTES)
    total_time = MinutesField("Total time (minutes)", validators=MINUTES, description="Leave empty for prep + cook.")
    source_url = URLField("Source URL", validators=[_at_most(limits.SOURCE_URL_MAX), http_url])
    tags = StringField("Tags", validators=[_at_most(limits.TAGS_TEXT_MAX)], description="Separated by commas.")
    notes = TextAreaField("Notes", validators=[_at_most(limits.NOTES_MAX)])
    picture = FileField("Picture")
    max_picture_bytes = MAX_UPLOAD_BYTES  # also told to the page's script
    remove_picture = BooleanField("Remove the picture")
    # A picture chosen on an earlier submit of this form that came back with an error, kept
    # on the server for this login (images/pending.py): the key to it, never a path.
    kept_picture = HiddenField()
    discard_kept_picture = BooleanField("Do not use this picture")
    visibility = RadioField(
        "Who can see it",
        choices=[
            SelectChoice(PRIVATE, "Only me"),
            SelectChoice(HOUSEHOLD, "My household"),
            SelectChoice(PUBLIC, "Everyone with an account here"),
        ],
        default=PRIVATE,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked when a form is made, not at import: it may load the HEIC decoder.
        self.picture.description = f"A photo: {accepted_description()}."

    def uploaded_picture(self) -> FileStorage | None:
        """The uploaded picture, if one was chosen (a picture with no file name is the
        browser's empty file input)."""
        storage: FileStorage | None = self.picture.data
        if storage is None or not getattr(storage, "filename", ""):
            return None
        return storage

    def to_data(self) -> RecipeData:
        return RecipeData(
            title=self.title.data or "",
            description=self.description.data or "",
            ingredients=text.parse_ingredients(self.ingredients.data or ""),
            instructions=text.parse_instructions(self.instructions.data or ""),
            servings=self.servings.data or "",
            prep_time=self.prep_time.data,
            cook_time=self.cook_time.data,
            total_time=self.total_time.data,
            source_url=self.source_url.data or "",
            notes=self.notes.data or "",
            tags=text.parse_tags(self.tags.data or ""),
            visibility=self.visibility.data or PRIVATE,
        )

    def fill_from(self, recipe: Recipe) -> None:
        self.title.data = recipe.title
        self.description.data = recipe.description
        self.ingredients.data = text.ingredients_text(recipe.ingredients)
        self.instructions.data = text.instructions_text(recipe.instructions)
        self.servings.data = recipe.servings
        self.prep_time.data = recipe.prep_time
        self.cook_time.data = recipe.cook_time
        self.total_time.data = recipe.total_time
        self.source_url.data = recipe.source_url
        self.notes.data = recipe.notes
        self.tags.data = text.tags_text([t.display_name for t in recipe.tags])
        self.visibility.data = recipe.visibility


class DeleteForm(Form):
    """Only the CSRF token: deleting is a POST from the confirm page."""


class CopyForm(Form):
    """Only the CSRF token: saving a copy of someone else's recipe is a POST."""
