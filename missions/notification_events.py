"""Notification events of international missions (imported by ``NotificationsConfig.ready``).

Titles and bodies are ``str.format`` templates over the context the services pass (plain text
and ids only: broadcasts outlive the request); emails are in
``templates/notifications/email/<code>{_subject.txt,.txt,.html}``. Times in a context are
already formatted in Lima's time by the service, in the recipient's language where it matters.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.events import MISSIONS, Event, register_event

# --- Missions (missions.services.missions) ------------------------------------------------------
MISSION_PUBLISHED = register_event(
    Event(
        code="missions.published",
        category=MISSIONS.code,
        title=_("New international mission: {mission_title}"),
        body=_(
            "A mission to {destination} from {starts_on} to {ends_on} takes applications until "
            "{closes_at} (Lima time). Your organization can nominate its delegates on the "
            "mission's page."
        ),
    )
)
MISSION_CANCELLED = register_event(
    Event(
        code="missions.cancelled",
        category=MISSIONS.code,
        title=_("Mission cancelled: {mission_title}"),
        body=_("The secretariat cancelled the mission. Reason: {reason}"),
    )
)

# --- Applications and selection (missions.services.applications) --------------------------------
APPLICATION_RECEIVED = register_event(
    Event(
        code="missions.application_received",
        category=MISSIONS.code,
        title=_("Application received: {mission_title}"),
        body=_(
            "{organization} applied to the mission with {delegates} delegate(s). The application "
            "can be changed or withdrawn until {closes_at} (Lima time)."
        ),
    )
)
PLACE_OFFERED = register_event(
    Event(
        code="missions.place_offered",
        category=MISSIONS.code,
        title=_("A place for {organization} in {mission_title}"),
        body=_(
            "{organization} was selected for the mission. The place is held until {hold_until} "
            "(Lima time): accept or decline it on the application's page. Without an answer by "
            "then, it goes to the next organization on the waitlist."
        ),
    )
)
PLACE_PROMOTED = register_event(
    Event(
        code="missions.place_promoted",
        category=MISSIONS.code,
        title=_("A place has opened for {organization} in {mission_title}"),
        body=_(
            "A place was freed and {organization} is next on the waitlist. The place is held "
            "until {hold_until} (Lima time): accept or decline it on the application's page. "
            "Without an answer by then, it goes to the next organization."
        ),
    )
)
APPLICATION_WAITLISTED = register_event(
    Event(
        code="missions.waitlisted",
        category=MISSIONS.code,
        title=_("{mission_title}: {organization} is on the waitlist"),
        body=_(
            "The places are taken for now; {organization} is number {position} on the "
            "waitlist. If a place is freed, it will be offered automatically and held for "
            "{hold_hours} hours."
        ),
    )
)
APPLICATION_NOT_SELECTED = register_event(
    Event(
        code="missions.not_selected",
        category=MISSIONS.code,
        title=_("{mission_title}: decision on the application of {organization}"),
        body=_(
            "The application of {organization} was not selected for this mission. Thank you "
            "for applying; the next missions will be announced on the portal."
        ),
    )
)
OFFER_LAPSED = register_event(
    Event(
        code="missions.offer_lapsed",
        category=MISSIONS.code,
        title=_("{mission_title}: the place held for {organization} has lapsed"),
        body=_(
            "The offer was not answered by {hold_until} (Lima time), so the place went to the "
            "next organization on the waitlist."
        ),
    )
)
PLACE_FREED = register_event(
    Event(
        code="missions.place_freed",
        category=MISSIONS.code,
        title=_("{mission_title}: {organization} left the delegation"),
        body=_("{organization} {how}. {outcome}"),
    )
)
DELEGATION_CONFIRMED = register_event(
    Event(
        code="missions.delegation_confirmed",
        category=MISSIONS.code,
        title=_("You are in the delegation to {mission_title}"),
        body=_(
            "{organization} accepted its place and nominated you. Confirm your attendance, "
            "download the agenda for your calendar and complete your checklist on the "
            "mission's page."
        ),
    )
)

# --- Agenda (missions.services.agenda) ------------------------------------------------------------
AGENDA_CHANGED = register_event(
    Event(
        code="missions.agenda_changed",
        category=MISSIONS.code,
        title=_("{mission_title}: agenda changed: {item_title}"),
        body=_(
            "{change} {item_title}: {local_time} local time ({city}), {lima_time} Lima time. "
            "Download the calendar again, or let your calendar app update it."
        ),
    )
)

# --- Readiness (missions.services.readiness) ------------------------------------------------------
READINESS_DUE = register_event(
    Event(
        code="missions.readiness_due",
        category=MISSIONS.code,
        title=_("{mission_title}: {item} due on {due_on}"),
        body=_(
            "Your checklist for the mission asks for “{item}” by {due_on}. Update it on the "
            "mission's page once it is done."
        ),
    )
)
READINESS_OVERDUE = register_event(
    Event(
        code="missions.readiness_overdue",
        category=MISSIONS.code,
        title=_("{mission_title}: {item} is overdue"),
        body=_(
            "“{item}” was due on {due_on} and is not done yet. Update your checklist on the "
            "mission's page, or tell the coordinator what is holding it up."
        ),
    )
)

# --- Outcomes (missions.services.outcomes) --------------------------------------------------------
OUTCOME_REMINDER = register_event(
    Event(
        code="missions.outcome_reminder",
        category=MISSIONS.code,
        title=_("{mission_title}: what did the mission achieve?"),
        body=_(
            "Record the contacts you made, the agreements reached, the follow-ups and the "
            "business generated. It takes a few minutes and shows what the missions are worth."
        ),
    )
)
