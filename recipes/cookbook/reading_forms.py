"""The form that corrects how one ingredient line reads (see cookbook/reading_views.py)."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, SelectChoice, SelectField, StringField

from ..ingredients.corrections import Correction, CorrectionInvalid, read_amount, unit_groups
from ..ingredients.detail import IngredientDetail
from ..ingredients.recipe_lines import MAX_FIELD_CHARS
from ..ingredients.unit_names import CANONICAL_UNITS, canonical_unit
from ..web import Form

NO_UNIT = ""


def unit_choices() -> list[SelectChoice]:
    """No unit, then every canonical unit, grouped by kind."""
    return [SelectChoice(NO_UNIT, "No unit")] + [
        SelectChoice(unit, label, optgroup=group) for group, units in unit_groups() for unit, label in units
    ]


def _typed(value: float | None) -> str:
    """An amount as the form shows it: "1.5", "0.333", never "1.5000001"."""
    return "" if value is None else f"{value:.6g}"


class ReadingForm(Form):
    # The line as the person saw it: the correction is refused if the line reads otherwise now.
    line_text = HiddenField()
    quantity = StringField(
        "Amount", description="A number: 2, 1.5, 2,5, 1 1/2 or ½. Leave it empty when the line has no amount."
    )
    quantity_max = StringField("Up to", description="Only for a range such as 2–3: the higher amount.")
    unit = SelectField("Unit", choices=[], default=NO_UNIT)
    size = StringField("Size", description="Optional: “large”, or a package's size such as “28-ounce”.")
    food = StringField("Food", description="What it is, without the amount: “plain flour”.")
    note = StringField("Note", description="Optional: preparation and comments, “finely chopped”.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit.choices = unit_choices()
        for name in ("size", "food", "note"):
            self[name].render_kw = {"maxlength": MAX_FIELD_CHARS}

    def fill_from(self, reading: IngredientDetail) -> None:
        self.line_text.data = reading.text
        self.quantity.data = _typed(reading.quantity)
        self.quantity_max.data = _typed(reading.quantity_max)
        unit = reading.unit if reading.unit in CANONICAL_UNITS else canonical_unit(reading.unit or "")
        self.unit.data = unit or NO_UNIT
        self.size.data = reading.size or ""
        self.food.data = reading.food or ""
        self.note.data = reading.note or ""

    def correction(self) -> Correction:
        """What the person typed, as a correction (CorrectionInvalid when an amount is not one)."""
        return Correction(
            quantity=read_amount(self.quantity.data, "quantity"),
            quantity_max=read_amount(self.quantity_max.data, "quantity_max"),
            unit=self.unit.data or None,
            size=self.size.data,
            food=self.food.data,
            note=self.note.data,
        )

    def refuse(self, error: CorrectionInvalid) -> None:
        """Show `error` at its field (a refusal of the line itself at the amount, the first field)."""
        field = self._fields.get(error.field) or self.quantity
        field.errors = [*field.errors, error.message]
