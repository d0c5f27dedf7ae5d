from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..cookbook.limits import SOURCE_URL_MAX
from ..web import Form
from .pages.addresses import split_addresses
from .pages.service import MAX_URLS


def at_most_max_urls(form: Form, field: TextAreaField) -> None:
    if len(split_addresses(field.data or "")) > MAX_URLS:
        raise ValidationError(f"Import at most {MAX_URLS} addresses at a time.")


class ImportForm(Form):
    url = TextAreaField(
        "Recipe page address",
        validators=[
            DataRequired(message="Enter the address of a recipe page."),
            Length(max=MAX_URLS * (SOURCE_URL_MAX + 2)),
            at_most_max_urls,
        ],
        description="Paste a link, or several links one per line to import them all.",
    )
    again = BooleanField("Import again even if I already have it")
    # Set by the page's script on each address of a list: the results page (importing/results.py)
    # that hears of this address's outcome.
    run = HiddenField()

    @property
    def urls(self) -> list[str]:
        return split_addresses(self.url.data or "")


class FileImportForm(Form):
    file = FileField(
        "Export file",
        description="From Mealie, Tandoor, Nextcloud Cookbook, Paprika, CopyMeThat, Chowdown, "
        "a schema.org recipe file, or Recipes itself.",
    )
