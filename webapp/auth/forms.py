"""Forms of the account pages."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, StringField
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


class RegisterForm(FossaForm):
    email = EmailField("Email", validators=_email, render_kw={"autocomplete": "email"})
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


class ChangePasswordForm(FossaForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password("New password")
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", "The passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    # If someone else had the password, links they made would outlive it.
    revoke_links = _revoke_links()
    revoke_calendar = _revoke_calendar()


class ForgotPasswordForm(FossaForm):
    email = EmailField("Email", validators=_email, render_kw={"autocomplete": "email"})


class ResetPasswordForm(FossaForm):
    password = _new_password("New password")
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", "The passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
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
