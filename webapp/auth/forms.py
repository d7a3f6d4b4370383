"""Forms of the account pages."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from webapp.security.boundary import FossaForm
from webapp.validation import check_timezone

PASSWORD_MIN = 10
PASSWORD_MAX = 128

_email = [
    DataRequired("Enter your email address."),
    Length(max=254, message="That email address is too long."),
    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like name@example.com."),
]


def _new_password(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters.",
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _browser_zone() -> HiddenField:
    """The browser's timezone (Intl), filled in by static/js/app.js; kept when valid."""
    return HiddenField(render_kw={"data-detect-timezone": "1"})


class RegisterForm(FossaForm):
    email = EmailField("Email", validators=_email, render_kw={"autocomplete": "email"})
    timezone = _browser_zone()
    password = _new_password("Password")
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", "The passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FossaForm):
    email = EmailField("Email", validators=_email, render_kw={"autocomplete": "username"})
    timezone = _browser_zone()
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me logged in on this device")


def _revoke_links() -> BooleanField:
    return BooleanField("Also end every share link I have given out", default=True)


def _revoke_calendar() -> BooleanField:
    return BooleanField("Also turn off my private calendar link", default=True)


def _repeat_new_password() -> PasswordField:
    """The second typing of a new password, which must match the first."""
    return PasswordField(
        "Repeat the new password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", "The passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FossaForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password("New password")
    confirm = _repeat_new_password()
    # If someone else had the password, links they made would outlive it.
    revoke_links = _revoke_links()
    revoke_calendar = _revoke_calendar()


class ForgotPasswordForm(FossaForm):
    email = EmailField("Email", validators=_email, render_kw={"autocomplete": "email"})


class ResetPasswordForm(FossaForm):
    password = _new_password("New password")
    confirm = _repeat_new_password()
    revoke_links = _revoke_links()
    revoke_calendar = _revoke_calendar()


class ChangeEmailForm(FossaForm):
    email = EmailField("New email", validators=_email, render_kw={"autocomplete": "email"})
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to confirm.")],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(FossaForm):
    display_name = StringField(
        "Your name (optional, shown on the doctor's report)",
        validators=[Length(max=100, message="Keep it to 100 characters.")],
        render_kw={"autocomplete": "name"},
    )
    timezone = StringField(
        "Timezone", validators=[DataRequired("Choose a timezone."), Length(max=64)]
    )

    def validate_timezone(self, field: StringField) -> None:
        if check_timezone(field.data) is None:
            raise ValidationError("Use a timezone name like Europe/Berlin.")

    # The number the emergency call button dials; empty means the usual one for the
    # timezone (webapp/emergency/numbers.py).
    emergency_number = StringField(
        "Emergency number",
        validators=[Length(max=20, message="Enter 2 to 6 digits (for example 112).")],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )

    def validate_emergency_number(self, field: StringField) -> None:
        from webapp.emergency.numbers import clean_number

        _value, error = clean_number(field.data)
        if error:
            raise ValidationError(error)


class TimezoneForm(FossaForm):
    """Taking the zone the browser reports, offered on every page when it changed."""

    timezone = HiddenField(validators=[DataRequired("Choose a timezone.")])

    def validate_timezone(self, field: HiddenField) -> None:
        if check_timezone(field.data) is None:
            raise ValidationError("Use a timezone name like Europe/Berlin.")


class ImportForm(FossaForm):
    file = FileField(
        "A fossa-diary/1 JSON file",
        validators=[
            FileRequired("Choose a file to import."),
            FileAllowed(["json"], "Choose a .json file."),
        ],
    )


class DeleteAccountForm(FossaForm):
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to confirm.")],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = StringField(
        'Type "delete" to confirm',
        validators=[DataRequired('Type "delete" to confirm.')],
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )

    def validate_confirm(self, field: StringField) -> None:
        if field.data.strip().lower() != "delete":
            raise ValidationError('Type "delete" to confirm.')
