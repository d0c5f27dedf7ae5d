from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..images.processing import MAX_UPLOAD_BYTES, accepted_description
from ..models import Recipe
from ..web import Form
from . import text
from .services import TITLE_MAX, RecipeData

MINUTES = [Optional(), NumberRange(min=0, max=100_000, message="Give the time in minutes, from 0 to 100000.")]


def http_url(form: Form, field: StringField) -> None:
    value = (field.data or "").strip()
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError("The source must be an http:// or https:// address.")


class RecipeForm(Form):
    title = StringField("Title", validators=[DataRequired(message="A recipe needs a title."), Length(max=TITLE_MAX)])
    description = TextAreaField("Description", validators=[Length(max=20_000)])
    ingredients = TextAreaField(
        "Ingredients",
        validators=[Length(max=50_000)],
        description="One per line. End a line with : to start a section.",
    )
    instructions = TextAreaField(
        "Instructions",
        validators=[Length(max=100_000)],
        description="One step per line, or one per paragraph with blank lines between.",
    )
    servings = StringField("Servings / yield", validators=[Length(max=100)])
    prep_time = IntegerField("Prep time (minutes)", validators=MINUTES)
    cook_time = IntegerField("Cook time (minutes)", validators=MINUTES)
    total_time = IntegerField("Total time (minutes)", validators=MINUTES, description="Leave empty for prep + cook.")
    source_url = URLField("Source URL", validators=[Length(max=2048), http_url])
    tags = StringField("Tags", validators=[Length(max=2000)], description="Separated by commas.")
    notes = TextAreaField("Notes", validators=[Length(max=50_000)])
    picture = FileField("Picture")
    max_picture_bytes = MAX_UPLOAD_BYTES  # also told to the page's script
    remove_picture = BooleanField("Remove the picture")
    visibility = RadioField(
        "Who can see it",
        choices=[SelectChoice("private", "Only me"), SelectChoice("public", "Everyone with an account here")],
        default="private",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked when a form is made, not at import: it may load the HEIC decoder.
        self.picture.description = f"A photo: {accepted_description()}."

    def uploaded_picture(self) -> bytes | None:
        """The bytes of the uploaded picture, if one was chosen (a picture with no file
        name is the browser's empty file input). Reads one byte past the limit, so an
        oversized file is noticed without reading all of it."""
        storage = self.picture.data
        if storage is None or not getattr(storage, "filename", ""):
            return None
        return bytes(storage.read(MAX_UPLOAD_BYTES + 1))

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
            is_public=self.visibility.data == "public",
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
        self.tags.data = text.tags_text([t.name for t in recipe.tags])
        self.visibility.data = recipe.visibility


class DeleteForm(Form):
    """Only the CSRF token: deleting is a POST from the confirm page."""
