from __future__ import annotations

from wtforms import HiddenField, PasswordField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..web import Form
from .passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from .tokens import DEFAULT_EXPIRY, EXPIRIES, NAME_MAX

PASSWORD_LENGTH = Length(
    min=MIN_PASSWORD_LENGTH,
    max=MAX_PASSWORD_LENGTH,
    message=f"Use at least {MIN_PASSWORD_LENGTH} characters.",
)


class LoginForm(Form):
    username = StringField("Username", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    next = HiddenField()


class RegisterForm(Form):
    username = StringField("Username", validators=[DataRequired(), Length(min=3, max=40)])
    password = PasswordField("Password", validators=[DataRequired(), PASSWORD_LENGTH])
    confirm = PasswordField(
        "Repeat the password", validators=[DataRequired(), EqualTo("password", message="The passwords differ.")]
    )
    # Shown, and needed, only for a fresh install's first account (see setup_code.py).
    setup_code = StringField(
        "Setup code",
        validators=[Optional(), Length(max=64)],
        description="Printed in the server's log when it starts, and kept in the file setup_code "
        "in its config directory.",
    )


class JoinForm(Form):
    """Only the CSRF token: joining a household with an invite, signed in, is a POST."""


class ChangePasswordForm(Form):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), PASSWORD_LENGTH])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
    )


class TokenForm(Form):
    name = StringField(
        "Token name",
        validators=[
            DataRequired(message="Give the token a name, such as the app that will use it."),
            Length(max=NAME_MAX),
        ],
        description="What will use it, e.g. “Home Assistant”.",
    )
    expires = SelectField(
        "Expires",
        choices=[SelectChoice(value, expiry.label) for value, expiry in EXPIRIES.items()],
        default=DEFAULT_EXPIRY,
    )


class RevokeTokenForm(Form):
    """Only the CSRF token: revoking is a POST."""


class ResetPasswordForm(Form):
    # The link's token travels in the form rather than in the address it posts to.
    reset_token = HiddenField()
    new_password = PasswordField("New password", validators=[DataRequired(), PASSWORD_LENGTH])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
    )


class AccountActionForm(Form):
    """Only the CSRF token: disabling, enabling, ending logins and making a reset link are POSTs."""


KEEP, DELETE = "move", "delete"


class DeleteAccountForm(Form):
    # Posted by the button pressed: each says what becomes of the recipes.
    recipes = RadioField(
        "What becomes of their recipes?",
        choices=[
            SelectChoice(KEEP, "Keep them: move them to another account"),
            SelectChoice(DELETE, "Delete them too"),
        ],
        validators=[Optional()],  # needed only when there are recipes (the view checks)
    )
    move_to = SelectField("Move them to the account", coerce=str, validate_choice=False)
