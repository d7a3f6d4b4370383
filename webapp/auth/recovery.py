"""Account recovery: "Forgot password?" mails a one-hour, single-use link.

The answer to "send me a link" is the same whether or not the address has an
account (no enumeration); the mail is sent in the background (mail/sender.py),
so the time it takes does not tell either. Following the link sets a new
password, ends every other session, and logs the person in: the way back for an
owner whose account the login limit has locked.
"""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from webapp.auth import reset_tokens
from webapp.auth.account_security import after_new_password
from webapp.auth.forms import ForgotPasswordForm, ResetPasswordForm
from webapp.extensions import db, limiter
from webapp.mail.sender import send_mail
from webapp.models import User
from webapp.security import ratelimit

bp = Blueprint("recovery", __name__)

# The reset page carries a secret in its address: never cached, never in a Referer.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _private(body: str, status: int = 200) -> ResponseReturnValue:
    response = make_response(body, status)
    response.headers.update(PRIVATE_HEADERS)
    return response


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(ratelimit.RECOVERY_ADDRESS_LIMIT, methods=["POST"])
@limiter.limit(ratelimit.RECOVERY_EMAIL_LIMIT, key_func=ratelimit.submitted_email, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).filter_by(email=email))
        if user is not None:
            token = reset_tokens.issue(user)
            send_mail(
                user.email,
                "Reset your Fossa password",
                "mail/reset_password.txt",
                link=url_for("recovery.reset_password", token=token, _external=True),
                hours=int(reset_tokens.LIFETIME.total_seconds() // 3600),
            )
        return render_template("auth/forgot_sent.html", email=email)
    status = 422 if form.errors else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(ratelimit.ADDRESS_LIMIT, methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    if reset_tokens.user_for(token) is None:
        return _private(render_template("auth/reset_gone.html"), 410)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = reset_tokens.redeem(token)
        if user is None:  # used by a request racing this one
            return _private(render_template("auth/reset_gone.html"), 410)
        user.set_password(form.password.data)
        after_new_password(
            user,
            revoke_links=bool(form.revoke_links.data),
            revoke_calendar=bool(form.revoke_calendar.data),
        )
        db.session.commit()
        send_mail(user.email, "Your Fossa password was changed", "mail/password_changed.txt")
        if current_user.is_authenticated and current_user.id != user.id:
            logout_user()
        login_user(user)
        flash("Your new password is set. Every other device has been logged out.", "success")
        return redirect(url_for("diary.today"), code=303)
    status = 422 if form.errors else 200
    return _private(render_template("auth/reset.html", form=form, token=token), status)
