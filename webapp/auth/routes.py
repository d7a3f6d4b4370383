"""Account views: thin wrappers around the forms and the User model."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.auth.account_security import after_new_password
from webapp.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    ImportForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
)
from webapp.diary import store
from webapp.extensions import db, limiter
from webapp.mail.sender import send_mail
from webapp.models import User, verify_dummy_password
from webapp.security import ratelimit, sqlite_files
from webapp.validation import UnsafeJSON, loads_bounded, local_path

bp = Blueprint("auth", __name__)

# A login attempt costs an argon2 hash: limit per address, generously for people,
# tightly for scripts guessing passwords; and per account, failures only, from any
# address, shared by the login, the password change and the account deletion.
AUTH_LIMIT = ratelimit.ADDRESS_LIMIT
account_limit = limiter.shared_limit(
    ratelimit.ACCOUNT_LIMIT,
    scope="account-password",
    key_func=ratelimit.submitted_account,
    deduct_when=ratelimit.failed,
    methods=["POST"],
)
logged_in_account_limit = limiter.shared_limit(
    ratelimit.ACCOUNT_LIMIT,
    scope="account-password",
    key_func=ratelimit.current_account,
    deduct_when=ratelimit.failed,
)
IMPORT_MAX_BYTES = store.IMPORT_MAX_BYTES


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login."""
    return local_path(target, url_for("diary.today"))


@bp.get("/")
def index() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("diary.today"))
    return render_template("auth/welcome.html")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("diary.today"))
    form = RegisterForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if db.session.scalar(select(User.id).filter_by(email=email)):
            form.email.errors.append("An account with this email exists. Log in instead?")
        else:
            user = User(email=email)
            user.set_password(form.password.data)
            db.session.add(user)
            try:
                db.session.commit()
            except IntegrityError:  # the same address, registered by a request racing this one
                db.session.rollback()
                form.email.errors.append("An account with this email exists. Log in instead?")
            else:
                login_user(user)
                flash("Welcome to Fossa. Log how your knee is today.", "success")
                return redirect(url_for("diary.today"))
    status = 422 if form.errors or (request.method == "POST" and form.email.errors) else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@account_limit
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("diary.today"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).filter_by(email=email))
        # An unknown email costs the same argon2 work, so timing does not tell.
        matches = (
            user.check_password(form.password.data)
            if user
            else verify_dummy_password(form.password.data)
        )
        if user and matches:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("That email and password do not match an account.")
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    # Server-side: every copy of this person's session and remember cookies ends too.
    if current_user.is_authenticated:
        current_user.end_all_sessions()
        db.session.commit()
    logout_user()
    # The service worker sees this header and drops the cached pages of the person.
    response = redirect(url_for("auth.login", logged_out=1), code=303)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


def _account_forms() -> dict[str, object]:
    return {
        "profile_form": ProfileForm(obj=current_user, prefix="profile"),
        "email_form": ChangeEmailForm(prefix="email", formdata=None),
        "password_form": ChangePasswordForm(prefix="password", formdata=None),
        "import_form": ImportForm(prefix="import"),
        "delete_form": DeleteAccountForm(prefix="delete"),
    }


def _render_account(status: int = 200, **forms: object) -> ResponseReturnValue:
    context = _account_forms()
    context.update(forms)
    return render_template("auth/account.html", **context), status


@bp.get("/account")
@login_required
def account() -> ResponseReturnValue:
    return _render_account()


@bp.post("/account/profile")
@login_required
def update_profile() -> ResponseReturnValue:
    form = ProfileForm(prefix="profile")
    if not form.validate_on_submit():
        return _render_account(422, profile_form=form)
    current_user.display_name = (form.display_name.data or "").strip() or None
    current_user.timezone = form.timezone.data
    db.session.commit()
    flash("Saved.", "success")
    return redirect(url_for("auth.account"), code=303)


@bp.post("/account/password")
@login_required
@limiter.limit(AUTH_LIMIT)
@logged_in_account_limit
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm(prefix="password")
    if form.validate_on_submit():
        if current_user.check_password(form.current.data):
            user = current_user._get_current_object()
            user.set_password(form.password.data)
            after_new_password(
                user,
                revoke_links=bool(form.revoke_links.data),
                revoke_calendar=bool(form.revoke_calendar.data),
            )
            db.session.commit()
            send_mail(user.email, "Your Fossa password was changed", "mail/password_changed.txt")
            # The session id changed: log in again here so only other devices are logged out.
            login_user(user)
            flash("Password changed. Other devices have been logged out.", "success")
            return redirect(url_for("auth.account"), code=303)
        form.current.errors.append("That is not your current password.")
    return _render_account(422, password_form=form)


@bp.post("/account/email")
@login_required
@limiter.limit(AUTH_LIMIT)
@logged_in_account_limit
def change_email() -> ResponseReturnValue:
    form = ChangeEmailForm(prefix="email")
    if form.validate_on_submit():
        new_email = form.email.data.strip().lower()
        if not current_user.check_password(form.password.data):
            form.password.errors.append("That is not your password.")
        elif new_email == current_user.email:
            form.email.errors.append("This is already your email address.")
        elif db.session.scalar(select(User.id).filter_by(email=new_email)):
            form.email.errors.append("Another account uses this email address.")
        else:
            old_email = current_user.email
            current_user.email = new_email
            db.session.commit()
            # The old address hears of it: if this was not its owner, they know at once.
            send_mail(
                old_email,
                "The email of your Fossa account was changed",
                "mail/email_changed.txt",
                new_email=new_email,
            )
            flash(f"Your email is now {new_email}.", "success")
            return redirect(url_for("auth.account"), code=303)
    return _render_account(422, email_form=form)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> ResponseReturnValue:
    """End every session and remember cookie of this person, this one included."""
    current_user.end_all_sessions()
    db.session.commit()
    logout_user()
    flash("You are logged out on every device.", "success")
    response = redirect(url_for("auth.login"), code=303)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.get("/account/diary.json")
@login_required
def download_diary() -> Response:
    document = store.export_diary(current_user)
    response = Response(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="fossa-diary.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/import")
@login_required
@limiter.limit("20 per hour")
def import_diary() -> ResponseReturnValue:
    form = ImportForm(prefix="import")
    if not form.validate_on_submit():
        return _render_account(422, import_form=form)
    try:
        document = loads_bounded(form.file.data.stream.read(IMPORT_MAX_BYTES + 1))
    except UnsafeJSON as error:
        form.file.errors.append(f"This file cannot be imported. {error}")
        return _render_account(422, import_form=form)
    result = store.import_diary(current_user, document, store.local_today(current_user))
    if result.errors:
        form.file.errors.extend(result.errors)
        return _render_account(422, import_form=form)
    flash(import_summary(result.added, result.already_there), "success")
    return redirect(url_for("auth.account"), code=303)


def import_summary(added: int, already_there: int) -> str:
    """ "Imported 1 entry; 2 were already in your diary." — counted in words that agree."""
    text = f"Imported {added} {'entry' if added == 1 else 'entries'}"
    if already_there:
        verb = "was" if already_there == 1 else "were"
        return f"{text}; {already_there} {verb} already in your diary."
    return text + "."


@bp.post("/account/delete")
@login_required
@limiter.limit(AUTH_LIMIT)
@logged_in_account_limit
def delete_account() -> ResponseReturnValue:
    form = DeleteAccountForm(prefix="delete")
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            user = current_user._get_current_object()
            logout_user()
            # Every table refers to the user with ON DELETE CASCADE.
            db.session.delete(user)
            db.session.commit()
            sqlite_files.checkpoint(db.engine)
            flash("Your account and all of your data have been deleted.", "success")
            response = redirect(url_for("auth.index"), code=303)
            response.headers["Clear-Site-Data"] = '"cache", "storage"'
            return response
        form.password.errors.append("That is not your password.")
    return _render_account(422, delete_form=form)
