"""Forms of the secretariat's portfolio pages (``/staff/challenges/portfolio/``): the list's
filters, a project's creation and edition, its status changes, participants, funding, progress
update schedule and milestones, and the verification queue's rejection. Forms validate input
only; the rules live in ``challenges.services.portfolio`` and ``challenges.services.impact``
(whose errors the views hand back to the form)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.core.money import money_form_field
from cluster_portal.core.peru import Region
from members.models import Capability, Organization

from ..models import Call, Challenge, Project, ProjectFunding, ProjectOrganization

REASON_MAX = 2000
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def member_organizations() -> Any:
    """The organizations a project may involve: the cluster's active members."""
    return Organization.objects.filter(
        membership_status=Organization.MembershipStatus.ACTIVE
    ).order_by("legal_name")


def _organization_label(organization: Organization) -> str:
    return f"{organization.display_name} ({organization.ruc})"


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _organization_label(obj)


class OrganizationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _organization_label(obj)


def _capabilities(dimension: str) -> Any:
    return Capability.objects.filter(dimension=dimension, is_active=True).order_by(
        "position", "slug"
    )


# --- The list's filters ------------------------------------------------------------------------


class PortfolioFilterForm(forms.Form):
    """The portfolio list's filters; a value that is not valid is left out (never an error
    page): the list shows what the valid filters select."""

    q = forms.CharField(label=_("Code or title"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Project.Status.choices],
    )
    at_risk = forms.ChoiceField(
        label=_("Risk"),
        required=False,
        choices=[("", _("Any")), ("yes", _("At risk")), ("no", _("Not at risk"))],
    )
    sponsor = OrganizationChoiceField(
        label=_("Sponsor"),
        required=False,
        # ``pk__in`` a subquery, not a join with DISTINCT: at 2,000 projects SQLite sorted every
        # joined row's whole organization (and call) record to remove the duplicates.
        queryset=Organization.objects.filter(
            pk__in=ProjectOrganization.objects.filter(role=ProjectOrganization.Role.SPONSOR).values(
                "organization_id"
            )
        ),
        empty_label=_("Any sponsor"),
    )
    call = forms.ModelChoiceField(
        label=_("Call"),
        required=False,
        queryset=Call.objects.filter(
            pk__in=Project.objects.filter(call__isnull=False).values("call_id")
        ).order_by("-pk"),
        empty_label=_("Any call"),
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Any region")), *Region.choices]
    )
    commodity = forms.ModelChoiceField(
        label=_("Commodity"),
        required=False,
        queryset=_capabilities(Capability.Dimension.COMMODITY),
        empty_label=_("Any commodity"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = self.fields["sponsor"].queryset.order_by(  # type: ignore[attr-defined]
            "legal_name"
        )

    def filters(self) -> dict[str, Any]:
        """The valid filters, for ``selectors.portfolio.project_staff_list``."""
        self.is_valid()
        cleaned: dict[str, Any] = getattr(self, "cleaned_data", None) or {}
        return {name: value for name, value in cleaned.items() if value not in (None, "")}


# --- A project ---------------------------------------------------------------------------------


class ProjectForm(forms.ModelForm):
    """The portfolio manager's fields of a project (``services.portfolio.MANAGER_FIELDS``
    but the due date, which follows the schedule), plus the public consent and TRL now on
    edition."""

    budget = money_form_field(label=_("Budget"), required=False, min_amount=Decimal("0.01"))

    class Meta:
        model = Project
        fields: tuple[str, ...] = (
            "title",
            "title_en",
            "summary",
            "summary_en",
            "starts_on",
            "ends_on",
            "budget",
            "trl_start",
            "trl_target",
            "region",
            "site",
            "update_every_days",
            "challenges",
            "commodities",
            "service_areas",
        )
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "challenges": forms.SelectMultiple(attrs={"size": 6}),
            "commodities": forms.CheckboxSelectMultiple,
            "service_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = Challenge.objects.order_by("-pk")  # type: ignore[attr-defined]
        self.fields["commodities"].queryset = _capabilities(Capability.Dimension.COMMODITY)  # type: ignore[attr-defined]
        self.fields["service_areas"].queryset = _capabilities(  # type: ignore[attr-defined]
            Capability.Dimension.SERVICE_AREA
        )
        self.fields["region"].required = False

    def _post_clean(self) -> None:
        """The model is validated by the service (its errors come back to this form)."""

    def service_data(self) -> dict[str, Any]:
        """The fields for ``services.portfolio.project_create`` / ``project_update``."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for name in ("challenges", "commodities", "service_areas"):
            data[name] = list(data[name])
        return data


class ProjectCreateForm(ProjectForm):
    lead = OrganizationChoiceField(
        label=_("Supplier lead"),
        queryset=member_organizations(),
        help_text=_("The member organization that carries out the project."),
    )
    partners = OrganizationMultipleChoiceField(
        label=_("Partners"),
        queryset=member_organizations(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    sponsors = OrganizationMultipleChoiceField(
        label=_("Sponsors"),
        queryset=member_organizations(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The companies or bodies that fund the project and accept its milestones."),
    )

    field_order = ("title", "lead", "partners", "sponsors")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lead = cleaned.get("lead")
        if lead is not None and lead in (cleaned.get("partners") or []):
            self.add_error("partners", _("The supplier lead cannot also be a partner."))
        return cleaned


class ProjectEditForm(ProjectForm):
    class Meta(ProjectForm.Meta):
        fields = (
            *ProjectForm.Meta.fields,
            "trl_now",
            "is_public",
            "public_amounts",
            "public_site",
        )


class ReasonForm(forms.Form):
    """The reason of a status change (required to put on hold or cancel: the service says so)."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class ParticipantForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Organization"), queryset=member_organizations())
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (ProjectOrganization.Role.PARTNER, ProjectOrganization.Role.PARTNER.label),
            (ProjectOrganization.Role.SPONSOR, ProjectOrganization.Role.SPONSOR.label),
            (ProjectOrganization.Role.LEAD, ProjectOrganization.Role.LEAD.label),
        ],
    )
    description = forms.CharField(label=_("Part in the project"), max_length=200, required=False)


class FundingForm(forms.Form):
    source = forms.CharField(label=_("Source"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectFunding.Kind.choices)
    amount = money_form_field(label=_("Amount"), min_amount=Decimal("0.01"))
    organization = OrganizationChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("legal_name"),
        required=False,
        empty_label=_("None (a programme or fund)"),
    )
    in_kind = forms.BooleanField(label=_("In kind"), required=False)


class ScheduleForm(forms.Form):
    update_every_days = forms.IntegerField(
        label=_("Progress update every (days)"),
        min_value=0,
        max_value=366,
        help_text=_("0: no progress updates are asked for."),
    )
    next_update_due = forms.DateField(
        label=_("Next progress update due"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty to count from the last update (or today)."),
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=DATE_WIDGET)
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("Its share of the project's progress, relative to the other milestones."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
