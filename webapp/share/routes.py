"""Exports for the doctor, the share-link page, and the doctor's view behind a link.

Thin views: parse the range or the form, call the pure renderers, answer. The
doctor's view (/s/<token>) needs no login and links to nothing of the account.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from webapp.diary import store as diary_store
from webapp.extensions import db, limiter
from webapp.htmx import render_page_or_fragment, wants_fragment
from webapp.models import ShareLink, User
from webapp.share import links
from webapp.share import store as share_store
from webapp.share.csv_export import render_diary_csv
from webapp.share.fhir_export import render_fhir_bundle
from webapp.share.forms import ExportForm, ReportNameForm, ShareLinkForm
from webapp.share.report import PeriodReport, build_period_report
from webapp.share.report_pdf import NOT_A_DIAGNOSIS, render_report_pdf
from webapp.share.summary import (
    Period,
    day_text,
    evidence_dates,
    evidence_text,
    format_pain,
    parse_period,
)

bp = Blueprint("share", __name__)

# Wrong tokens count against the guesser's address, across the view and the
# downloads together; a real link never trips it.
GUESS_LIMIT = "10 per minute;60 per hour"
guess_limit = limiter.shared_limit(
    GUESS_LIMIT, scope="share-token-guess", deduct_when=lambda response: response.status_code == 404
)
# The doctor's pages are private, single-use views: never stored, never indexed,
# and no address of them leaks to another site through the Referer header.
DOCTOR_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
EXPORT_FORMATS = ("report.pdf", "diary.csv", "diary.json", "fhir.json")
DOCTOR_ENDPOINTS = ("share.doctor_view", "share.doctor_download")


@bp.after_request
def keep_doctor_headers(response: Response) -> Response:
    """Every answer under /s/ has the doctor headers, a 429 from the guess limit too."""
    if request.endpoint in DOCTOR_ENDPOINTS:
        response.headers.update(DOCTOR_HEADERS)
    return response


def _file_response(
    body: bytes | str, mimetype: str, filename: str, inline: bool = False
) -> Response:
    response = Response(body, mimetype=mimetype)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _stem(period: Period) -> str:
    return f"fossa-{period.start.isoformat()}-to-{period.end.isoformat()}"


def render_export(report: PeriodReport, kind: str, paper: str = "a4") -> Response:
    """One export of a period's report, as a download."""
    name = report.owner.display_name or None
    stem = _stem(report.period)
    if kind == "report.pdf":
        pdf = render_report_pdf(
            summary=report.summary,
            entries=report.diary,
            findings=report.findings,
            generated_at=report.generated_at,
            patient_name=name,
            paper=paper,
            timezone=report.owner.timezone or "UTC",
        )
        return _file_response(pdf, "application/pdf", f"{stem}-report.pdf", inline=True)
    if kind == "diary.csv":
        return _file_response(
            render_diary_csv(report.diary).encode("utf-8"),
            "text/csv; charset=utf-8",
            f"{stem}-diary.csv",
        )
    if kind == "diary.json":
        # The same document as the account download, for this period's entries.
        document = diary_store.export_diary(report.owner, report.entries)
        return _file_response(
            json.dumps(document, ensure_ascii=False, indent=2),
            "application/json",
            f"{stem}-diary.json",
        )
    bundle = render_fhir_bundle(report.diary, generated_at=report.generated_at, subject_name=name)
    return _file_response(
        json.dumps(bundle, ensure_ascii=False, indent=2),
        "application/fhir+json",
        f"{stem}-fhir.json",
    )


# --- the person's own exports ------------------------------------------------


def _export_page(form: ExportForm, status: int = 200) -> ResponseReturnValue:
    response = make_response(
        render_template("share/export.html", form=form, formats=EXPORT_FORMATS), status
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export")
@login_required
def export_page() -> ResponseReturnValue:
    form = ExportForm(formdata=request.args)
    period = form.check(diary_store.local_today(current_user))
    if period is None:
        return _export_page(form, 422)
    return _export_page(form.fill(period))


@bp.get("/export/<any(report.pdf, diary.csv, diary.json, fhir.json):kind>")
@login_required
def export(kind: str) -> ResponseReturnValue:
    form = ExportForm(formdata=request.args)
    period = form.check(diary_store.local_today(current_user))
    if period is None:
        if kind.endswith(".json"):
            errors = {
                name: field.errors
                for name, field in (("from", form.start), ("to", form.end), ("paper", form.paper))
                if field.errors
            }
            response = make_response({"errors": errors}, 422)
            response.headers["Cache-Control"] = "no-store"
            return response
        return _export_page(form, 422)
    report = build_period_report(current_user, period)
    return render_export(report, kind, form.paper.data or "a4")


# Where the name form may send the person back to (never an outside address).
NAME_RETURNS = {"share.index", "share.export_page"}


@bp.post("/report-name")
@login_required
def save_report_name() -> ResponseReturnValue:
    """Save the name the reports carry; asked once, on the export and share pages."""
    form = ReportNameForm()
    back = form.next.data if form.next.data in NAME_RETURNS else "share.export_page"
    name = form.clean_name() if form.validate_on_submit() else None
    if not name:
        template = "share/index.html" if back == "share.index" else "share/export.html"
        context = (
            _manage_context(ShareLinkForm(formdata=None))
            if back == "share.index"
            else {"form": ExportForm(formdata=None), "formats": EXPORT_FORMATS}
        )
        return render_template(template, name_form=form, **context), 422
    current_user.display_name = name
    db.session.commit()
    flash(f"Your reports now carry the name {name}.", "success")
    return redirect(url_for(back), code=303)


# --- managing share links ----------------------------------------------------


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def _manage_context(form: ShareLinkForm, new_link: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "form": form,
        "links": share_store.links_of(current_user),
        "new_link": new_link,
        "state_of": lambda link: links.link_state(link.expires_at, link.revoked_at, _now()),
    }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@bp.get("/share")
@login_required
def index() -> ResponseReturnValue:
    return render_page_or_fragment(
        "share/index.html", "share/_manage.html", **_manage_context(ShareLinkForm(formdata=None))
    )


@bp.post("/share/links")
@login_required
def create_link() -> ResponseReturnValue:
    form = ShareLinkForm()
    clean = form.check()
    if clean is None:
        return render_page_or_fragment(
            "share/index.html", "share/_manage.html", status=422, **_manage_context(form)
        )
    try:
        link, token = share_store.create_link(current_user, clean["days"], clean["label"])
    except share_store.TooManyLinks as refusal:
        form.days.errors = [str(refusal)]
        return render_page_or_fragment(
            "share/index.html", "share/_manage.html", status=422, **_manage_context(form)
        )
    url = url_for("share.doctor_view", token=token, _external=True)
    new_link = {"link": link, "url": url, "qr": _qr_data_uri(url)}
    # The token exists only in this answer, so it is rendered here, not after a redirect.
    response = make_response(
        render_page_or_fragment(
            "share/index.html",
            "share/_manage.html",
            status=201,
            **_manage_context(ShareLinkForm(formdata=None), new_link),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/share/links/<int:link_id>/revoke")
@login_required
def revoke_link(link_id: int) -> ResponseReturnValue:
    link = share_store.get_link(current_user, link_id)
    if link is None:
        abort(404)
    share_store.revoke(link)
    if wants_fragment():
        context = _manage_context(ShareLinkForm(formdata=None))
        return render_page_or_fragment("share/index.html", "share/_manage.html", **context)
    return redirect(url_for("share.index"), code=303)


# --- the doctor's side -------------------------------------------------------


def _doctor_response(body: str, status: int) -> Response:
    response = make_response(body, status)
    response.headers.update(DOCTOR_HEADERS)
    return response


def _open_link(token: str) -> tuple[ShareLink | None, Response | None]:
    """The link for this token, or the plain 404/410 answer to send instead."""
    link = share_store.find_by_token(token)
    if link is None:
        page = render_template("share/gone.html", code=404)
        return None, _doctor_response(page, 404)
    state = links.link_state(link.expires_at, link.revoked_at, _now())
    if state != "active":
        page = render_template("share/gone.html", code=410, state=state)
        return None, _doctor_response(page, 410)
    return link, None


def _shared_period(owner: User) -> Period:
    period, _errors = parse_period(None, None, diary_store.local_today(owner))
    assert period is not None  # noqa: S101 - the default range is always valid
    return period


@bp.get("/s/<token>")
@guess_limit
def doctor_view(token: str) -> ResponseReturnValue:
    link, refusal = _open_link(token)
    if refusal is not None:
        return refusal
    assert link is not None  # noqa: S101 - _open_link returns one or the other
    owner = share_store.owner_of(link)
    share_store.record_access(link, request.user_agent.string, "view")
    report = build_period_report(owner, _shared_period(owner))
    page = render_template(
        "share/doctor.html",
        report=report,
        token=token,
        link=link,
        expires_at=link.expires_at,
        not_a_diagnosis=NOT_A_DIAGNOSIS,
        format_pain=format_pain,
        evidence_text=evidence_text,
        evidence_dates=evidence_dates,
        day_text=day_text,
    )
    return _doctor_response(page, 200)


@bp.get("/s/<token>/<any(report.pdf, diary.csv, diary.json, fhir.json):kind>")
@guess_limit
def doctor_download(token: str, kind: str) -> ResponseReturnValue:
    link, refusal = _open_link(token)
    if refusal is not None:
        return refusal
    assert link is not None  # noqa: S101
    paper = request.args.get("paper", "a4")
    if paper not in ("a4", "letter"):
        paper = "a4"
    owner = share_store.owner_of(link)
    share_store.record_access(link, request.user_agent.string, kind)
    response = render_export(build_period_report(owner, _shared_period(owner)), kind, paper)
    response.headers.update(DOCTOR_HEADERS)
    return response
