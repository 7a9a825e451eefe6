from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    """Challenge surveys, calls, proposals, evaluation and portfolio."""

    name = "challenges"
    verbose_name = _("Open innovation")

    def ready(self) -> None:
        from cluster_portal.files.permissions import register_attachment_access

        from .models import Proposal, ProposalPartner
        from .permissions import can_view_proposal

        # Proposal files and commitment letters: whoever may see the proposal (the lead's and
        # the partners' people, staff roles reading). Downloads are audited.
        register_attachment_access(Proposal, can_view_proposal)
        register_attachment_access(
            ProposalPartner, lambda user, partner: can_view_proposal(user, partner.proposal)
        )
        # Evidence of impact entries: whoever may see the whole project (its organizations'
        # people, staff roles reading).
        from .models import ImpactEntry
        from .permissions import can_view_project

        register_attachment_access(
            ImpactEntry,
            lambda user, entry: can_view_project(user, entry.project),
            purpose="evidence",
        )
        # Milestone evidence: whoever may see the whole project, as for impact entries.
        from .models import Milestone

        register_attachment_access(
            Milestone, lambda user, milestone: can_view_project(user, milestone.project)
        )

        # The portfolio's impact totals are cached per filter; any write that can change them
        # (an entry, a project, its sponsors, commodities or funding) starts a new version.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .models import Project, ProjectFunding, ProjectOrganization
        from .selectors.impact import totals_changed

        for model in (ImpactEntry, Project, ProjectFunding, ProjectOrganization):
            post_save.connect(totals_changed, sender=model, dispatch_uid=f"totals-{model.__name__}")
            post_delete.connect(
                totals_changed, sender=model, dispatch_uid=f"totals-del-{model.__name__}"
            )
        m2m_changed.connect(
            totals_changed, sender=Project.commodities.through, dispatch_uid="totals-commodities"
        )
