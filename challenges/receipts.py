"""The submission receipt of a proposal: the printable page's context and a PDF.

The PDF is made with fpdf2 (pure Python, no system package). Its built-in core fonts
(Helvetica) are encoded in Latin-1 (cp1252 in fpdf2), which covers Spanish — á é í ó ú ü ñ ¿ ¡
— and "S/" / "US$"; anything outside it (an emoji in a title) is replaced by "?" rather than
failing, so no TTF font needs to be shipped. Everything shown comes from the latest
submission's snapshot, so the receipt says what was submitted, not what the draft says now.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cluster_portal.core.money import Money, format_money

from .models import Proposal, ProposalSubmission

#: fpdf2 core fonts write cp1252 (Latin-1 plus typographic quotes and dashes).
PDF_ENCODING = "cp1252"


def latest_submission(proposal: Proposal) -> ProposalSubmission:
    return proposal.submissions.order_by("-number").first()  # type: ignore[return-value]


def _money(value: dict[str, str] | None) -> str:
    if not value:
        return "—"
    return format_money(Money(value["amount"], value["currency"]))


def receipt_context(proposal: Proposal) -> dict[str, Any]:
    """What the receipt shows: reference, call, lead, partners, submitted at (Lima), SHA-256."""
    submission = latest_submission(proposal)
    snapshot = submission.snapshot
    submitted_at = parse_datetime(snapshot.get("submitted_at", "")) or submission.submitted_at
    return {
        "proposal": proposal,
        "submission": submission,
        "reference": proposal.reference,
        "title": snapshot["fields"]["title"],
        "call_title": snapshot["call"]["title"],
        "call_code": snapshot["call"]["code"],
        "lead": snapshot["lead_organization"]["name"],
        "lead_ruc": snapshot["lead_organization"]["ruc"],
        "partners": [
            {"name": p["name"], "role": p["role"], "budget_share": _money(p["budget_share"])}
            for p in snapshot["partners"]
        ],
        "budget": _money(snapshot["fields"]["budget"]),
        "attachments": snapshot["attachments"],
        "submitted_at": timezone.localtime(submitted_at),
        "number": submission.number,
        "sha256": submission.sha256,
    }


def _latin(text: Any) -> str:
    return str(text).encode(PDF_ENCODING, errors="replace").decode(PDF_ENCODING)


def _when(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def receipt_pdf(proposal: Proposal, language: str | None = None) -> bytes:
    """The receipt as a one-page A4 PDF (bytes), in ``language`` (default: the active one)."""
    from fpdf import FPDF

    context = receipt_context(proposal)
    with translation.override(language or translation.get_language()):
        pdf = FPDF(format="A4")
        pdf.core_fonts_encoding = "windows-1252"  # WinAnsi: typographic dashes and quotes
        pdf.set_title(_latin(f"{context['reference']}"))
        pdf.set_creator("CMSP portal")
        pdf.add_page()
        pdf.set_auto_page_break(auto=True, margin=15)
        width = pdf.epw
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(width, 6, _latin(_("Mining Cluster of Southern Peru (CMSP)")))
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(width, 8, _latin(_("Proposal submission receipt")))
        pdf.ln(2)
        rows = [
            (_("Reference"), context["reference"]),
            (_("Proposal"), context["title"]),
            (_("Call"), f"{context['call_title']} ({context['call_code']})"),
            (_("Lead organization"), f"{context['lead']} — RUC {context['lead_ruc']}"),
            (_("Budget"), context["budget"]),
            (
                _("Submitted at"),
                _("%(when)s (Lima time)") % {"when": _when(context["submitted_at"])},
            ),
            (_("Submission number"), str(context["number"])),
        ]
        for label, value in rows:
            pdf.set_font("Helvetica", "B", 10)
            pdf.cell(45, 6, _latin(label))
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width - 45, 6, _latin(value))
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(width, 7, _latin(_("Consortium partners")))
        pdf.set_font("Helvetica", "", 10)
        if context["partners"]:
            for partner in context["partners"]:
                line = f"• {partner['name']} — {partner['role']} ({partner['budget_share']})"
                pdf.multi_cell(width, 6, _latin(line))
        else:
            pdf.multi_cell(width, 6, _latin(_("None: the lead organization alone.")))
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(width, 7, _latin(_("Files")))
        pdf.set_font("Helvetica", "", 9)
        for attachment in context["attachments"]:
            pdf.multi_cell(
                width, 5, _latin(f"• {attachment['name']} — SHA-256 {attachment['sha256']}")
            )
        if not context["attachments"]:
            pdf.multi_cell(width, 5, _latin("—"))
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(width, 6, _latin(_("SHA-256 of what was submitted")))
        pdf.set_font("Courier", "", 9)
        pdf.multi_cell(width, 5, context["sha256"])
        pdf.ln(4)
        pdf.set_font("Helvetica", "I", 8)
        pdf.multi_cell(
            width,
            4,
            _latin(
                _(
                    "The SHA-256 identifies the exact content submitted (fields, answers, "
                    "partners and files): any change gives a different value."
                )
            ),
        )
        return bytes(pdf.output())
