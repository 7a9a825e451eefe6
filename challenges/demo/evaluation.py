"""Demo evaluation (issue 10): the evaluator pool, and three calls evaluated through
``challenges.services.{evaluation,assignments,decisions}`` by the people who would act — the
demo evaluation coordinator (``evaluacion@cmsp.pe``), the evaluators, the call manager.

* The pool: ten people of member organizations (universities, a research centre, mining
  companies, a national programme) added with :func:`evaluator_add`, and an outside expert
  invited by email with :func:`evaluator_invite` (she then chose the demo password), each with
  expertise from the capability taxonomy, languages, sector and load. Their organizations are
  consortium partners, clients and joint applicants of the demo proposals, so the portal flags
  conflicts of interest on every call.
* ``agua-relaves-moquegua`` is evaluated completely: settings (three evaluators per
  proposal, industry and academia mixed, reviews visible after one's own), assignments by the
  solver, one evaluator declaring a commercial conflict, the coordinator assigning a flagged
  person in her place with a written override, every review submitted with comments in formal
  Spanish (one proposal with a disagreement flag), decisions with feedback drafted from the
  reviews and edited, and the batch published — which decides the call.
* ``mantenimiento-predictivo-plantas`` the same, more briefly (two evaluators per proposal),
  before ``calls.archive_decided`` archives it.
* ``relaves-desmonteras-altoandinas`` is in the middle of its evaluation: blind review, a
  redacted team on one proposal, assignments by the solver due in ten days, and every stage of
  an assignment — waiting for the declaration, declared, draft review, submitted. Nothing is
  decided.

Reviews can only be written while a call's evaluation lasts, so ``calls.finish`` leaves the
calls that end decided in evaluation with their evaluation end in the future; after
publishing, :func:`seed` gives them their real dates and every row its time in the demo's
history (``QuerySet.update``, as ``challenges.demo.proposals`` does). The batch's SHA-256
covers its publication time, so :func:`restamp_batch` computes it again and the batch still
verifies — like a proposal's receipt. ``challenges.demo.clock`` moves these rows forward with
the rest of the demo.

Idempotent: a call is evaluated only while it is in evaluation without a batch (decided
calls) or without assignments (the call in evaluation); the pool is found by email.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from django.utils import translation

from members.demo import DEMO_PASSWORD
from members.models import Capability, User

from ..models import (
    Assignment,
    Call,
    CallCriterion,
    ConflictOverride,
    Decision,
    DecisionBatch,
    Evaluator,
    Proposal,
    RedactedText,
    Review,
)
from ..selectors.ranking import call_ranking
from ..services import assignments as assigning
from ..services import decisions as deciding
from ..services import evaluation as evaluating
from ..services.evaluation import ScoreInput
from ..services.proposals import snapshot_sha256
from .calls import CALLS_BY_CODE, demo_calls, timeline
from .common import at, person

#: The demo evaluation coordinator (``members/demo/roles.py``).
COORDINATOR_EMAIL = "evaluacion@cmsp.pe"

Sector = Evaluator.Sector
Status = Assignment.Status


@dataclass(frozen=True)
class DemoEvaluator:
    email: str
    sector: str
    expertise: tuple[str, ...]  # capability slugs (value chain stages and service areas)
    languages: tuple[str, ...] = ("es",)
    max_load: int = 6
    #: Outside experts only: invited by email under this name (no member organization).
    invited_name: str = ""


POOL: list[DemoEvaluator] = [
    # Academia: the universities and the research centre are partners of several consortia.
    DemoEvaluator(
        "h.valdivia@unsa.edu.pe", Sector.ACADEMIA, ("processing", "water", "tailings"), ("es", "en")
    ),
    DemoEvaluator(
        "c.fernandez@upsc.edu.pe", Sector.ACADEMIA, ("automation-digital", "maintenance", "safety")
    ),
    DemoEvaluator("m.choque@unicollao.edu.pe", Sector.ACADEMIA, ("processing", "tailings")),
    DemoEvaluator(
        "v.tupa@cims.org.pe", Sector.ACADEMIA, ("closure", "water", "environment-community")
    ),
    DemoEvaluator(
        "r.ticona@itsmoquegua.edu.pe", Sector.ACADEMIA, ("maintenance", "training"), max_load=4
    ),
    # Industry: the sponsors' and their suppliers' clients.
    DemoEvaluator(
        "l.apaza@pichupichu.com.pe",
        Sector.INDUSTRY,
        ("processing", "water", "environment-community", "tailings"),
    ),
    DemoEvaluator(
        "carlos.zegarra@minera-chachani.pe", Sector.INDUSTRY, ("processing", "maintenance")
    ),
    DemoEvaluator(
        "e.mamani@estanocollao.pe", Sector.INDUSTRY, ("processing", "maintenance", "water")
    ),
    DemoEvaluator(
        "g.cusi@mineravilcabamba.pe", Sector.INDUSTRY, ("closure", "tailings", "safety"), max_load=4
    ),
    DemoEvaluator(
        "l.castro@pnim.gob.pe",
        Sector.GOVERNMENT,
        ("environment-community", "closure", "training"),
        max_load=3,
    ),
    DemoEvaluator(
        "i.carrasco@hidrogeoandes.pe",
        Sector.INDEPENDENT,
        ("water", "tailings", "closure"),
        ("es", "en"),
        max_load=5,
        invited_name="Isabel Carrasco Núñez",
    ),
]


@dataclass(frozen=True)
class DemoReview:
    #: One score per criterion, in the call's order (0-5); ``None``: not scored yet (drafts).
    scores: tuple[int | None, ...]
    confidence: int | None
    #: Comments per criterion, by position in the call's order.
    notes: dict[int, str]
    comment: str = ""


R = DemoReview

#: Reviews by proposal title; the n-th evaluator of a proposal (by name) writes the n-th.
REVIEWS: dict[str, tuple[DemoReview, ...]] = {
    # --- Decided call: water and tailings -----------------------------------------------------
    "Más agua del espesador con floculación optimizada y control en línea": (
        R(
            (4, 4, 4, 4, 3),
            3,
            {
                0: "Responde directamente a la baja recuperación de agua en el espesado, con una "
                "meta de caudal verificable.",
                2: "El lazo de control se integra al sistema existente sin detener el espesador.",
            },
            "Propuesta sólida y de bajo riesgo. Se recomienda precisar la línea base de "
            "consumo de floculante.",
        ),
        R(
            (5, 4, 4, 4, 4),
            2,
            {
                1: "Las pruebas de sedimentación con relaves de ambas operaciones aportan "
                "evidencia previa suficiente.",
                4: "El cofinanciamiento propio es razonable para el alcance del piloto.",
            },
            "Se sugiere que el socio académico publique el balance hídrico del piloto.",
        ),
        R(
            (4, 5, 4, 3, 4),
            3,
            {
                3: "El equipo es reducido para dos operaciones; convendría incorporar un segundo "
                "ingeniero de control.",
            },
            "Buen equilibrio entre innovación y aplicación inmediata.",
        ),
    ),
    "Relaves filtrados a escala piloto para recuperar agua": (
        R(
            (5, 5, 4, 5, 4),
            3,
            {
                0: "El relave filtrado es la alternativa de mayor recuperación de agua "
                "disponible para la cuenca.",
                3: "Consorcio complementario: un proveedor con experiencia opera el filtro y la "
                "universidad realiza los ensayos.",
            },
            "Propuesta transformadora: el piloto informaría las decisiones de inversión de "
            "ambas operaciones.",
        ),
        R(
            (2, 2, 1, 2, 2),
            2,
            {
                2: "Un piloto de 20 t/d parece insuficiente para validar la filtración a escala "
                "industrial, y no se describe la disposición del relave filtrado.",
                4: "El presupuesto cubre solo el piloto; no se estima la inversión de "
                "escalamiento.",
            },
            "Tecnología conocida, pero el piloto propuesto no permite concluir sobre su "
            "viabilidad en Moquegua.",
        ),
        R(
            (3, 3, 3, 4, 3),
            2,
            {1: "La filtración está probada en otras operaciones; la novedad es moderada."},
            "Viable con ajustes en el plan de trabajo; se recomienda discutir la escala del "
            "piloto.",
        ),
    ),
    "Balance hídrico en línea de la planta y la relavera": (
        R(
            (3, 2, 4, 3, 4),
            3,
            {0: "Útil para la gestión, pero medir el balance no recupera agua por sí mismo."},
            "Buena herramienta de diagnóstico; el ahorro de agua fresca depende de decisiones "
            "posteriores.",
        ),
        R(
            (3, 3, 3, 2, 3),
            2,
            {3: "Equipo reducido para instrumentar diez puntos y operar el tablero."},
        ),
        R(
            (2, 3, 4, 3, 4),
            3,
            {
                1: "Los caudalímetros y los modelos de balance ya se ofrecen en el mercado; la "
                "propuesta no explica en qué se diferencia."
            },
            "Se sugiere combinarla con una medida concreta de recuperación de agua.",
        ),
    ),
    # --- Archived call: predictive maintenance -------------------------------------------------
    "Gemelo digital del desgaste de revestimientos de molinos SAG": (
        R(
            (4, 5, 4, 4, 4),
            3,
            {1: "El modelo calibrado con escaneos láser es una contribución original."},
            "Propuesta madura, con un plan de validación claro.",
        ),
        R(
            (4, 4, 3, 4, 4),
            2,
            {2: "Los sensores acústicos requieren un plan de mantenimiento en la carcasa."},
        ),
    ),
    "Medición ultrasónica del espesor de revestimientos sin detener el molino": (
        R(
            (3, 3, 2, 3, 4),
            2,
            {2: "La duración de las baterías en pernos instrumentados no está demostrada."},
            "Idea interesante, aún en una etapa temprana para un piloto en operación.",
        ),
        R((3, 2, 3, 3, 3), 3, {1: "La novedad frente a la medición manual es limitada."}),
    ),
    "Monitoreo de vibraciones y sellos en bombas de pulpa de interior mina": (
        R(
            (5, 4, 4, 4, 3),
            3,
            {0: "Responde al problema de las paradas no programadas con un indicador medible."},
            "Tecnología probada y adaptada a la altura; se recomienda su financiamiento.",
        ),
        R((4, 4, 4, 3, 4), 2, {3: "La formación de técnicos locales fortalece la propuesta."}),
    ),
    # --- Call in evaluation: high-altitude tailings (some drafts) -------------------------------
    "Monitoreo satelital InSAR y piezómetros inalámbricos para relaveras de altura": (
        R(
            (4, 4, 3, 4, 3),
            3,
            {0: "Atiende el monitoreo continuo que pide el desafío, con alertas tempranas."},
            "Propuesta consistente; conviene detallar el mantenimiento de los piezómetros en "
            "invierno.",
        ),
        R(
            (5, 4, 4, 4, 3),
            2,
            {1: "La combinación de InSAR y piezómetros es complementaria y está bien justificada."},
        ),
        R((4, 3, None, None, None), None, {}),
    ),
    "Fotogrametría con drones y alertas de deformación en depósitos de relaves": (
        R(
            (3, 3, 4, 3, 4),
            2,
            {
                1: "Los vuelos quincenales pueden no detectar deformaciones rápidas; se sugiere "
                "complementarlos con sensores en el talud."
            },
        ),
    ),
    "Coberturas secas y revegetación nativa para desmonteras con drenaje ácido": (
        R((4, 4, None, None, None), None, {0: "Aborda el control en origen del drenaje ácido."}),
        R((4, 3, 3, 4, 4), 3, {}),
        R(
            (4, 3, 3, 4, 4),
            3,
            {
                1: "La medición con lisímetros durante dos temporadas de lluvia aporta evidencia "
                "sólida."
            },
            "Se recomienda precisar la participación de la comunidad en el monitoreo.",
        ),
    ),
}

# What each evaluator of a proposal of the call in evaluation has done, in the order of their
# names: "pending" (not declared), "accepted" (declared, nothing written), "draft", "submitted".
ONGOING_STAGES: dict[str, tuple[str, ...]] = {
    "Monitoreo satelital InSAR y piezómetros inalámbricos para relaveras de altura": (
        "submitted",
        "submitted",
        "draft",
    ),
    "Fotogrametría con drones y alertas de deformación en depósitos de relaves": (
        "submitted",
        "accepted",
        "pending",
    ),
    "Coberturas secas y revegetación nativa para desmonteras con drenaje ácido": (
        "draft",
        "pending",
        "submitted",
    ),
}


@dataclass(frozen=True)
class DemoDecided:
    """How a call that ends decided was evaluated."""

    call: str  # code
    settings: dict[str, object]
    awards: int
    rationale: str
    #: (proposal title, conflict type, note): the first industry evaluator of that proposal
    #: declares a conflict; the coordinator assigns ``override`` in their place.
    conflict: tuple[str, str, str] | None = None
    override: tuple[str, str] | None = None  # (evaluator email, written reason)


DECIDED_CALLS: list[DemoDecided] = [
    DemoDecided(
        call="mantenimiento-predictivo-plantas",
        settings={"reviews_per_proposal": 2, "require_sector_mix": False},
        awards=2,
        rationale="El comité evaluador revisó la clasificación de las tres propuestas admitidas "
        "(dos evaluaciones por propuesta). Se financian las dos mejor clasificadas, que superan "
        "el puntaje mínimo de 3,0 sobre 5; la tercera no alcanza ese mínimo en la vista "
        "calibrada.",
    ),
    DemoDecided(
        call="agua-relaves-moquegua",
        settings={
            "reviews_per_proposal": 3,
            "require_sector_mix": True,
            "reviews_visible": "after_own",
        },
        awards=2,
        rationale="El comité evaluador revisó la clasificación calibrada de las tres propuestas "
        "admitidas, con tres evaluaciones cada una (al menos una de la industria y una de la "
        "academia). Se financian las dos mejor clasificadas. La propuesta con discrepancia "
        "entre las personas evaluadoras se discutió en la sesión del comité antes de decidir. "
        "Una persona evaluadora declaró un conflicto de interés y fue reemplazada; la "
        "asignación con un conflicto detectado por el portal se justificó por escrito.",
        conflict=(
            "Balance hídrico en línea de la planta y la relavera",
            Assignment.ConflictType.COMMERCIAL,
            "La empresa en la que trabajo evalúa actualmente una oferta comercial de la "
            "organización líder para un servicio similar.",
        ),
        override=(
            "l.apaza@pichupichu.com.pe",
            "La relación registrada es un servicio de monitoreo ambiental que la organización "
            "líder prestó a Pichu Pichu y que concluyó en 2024, sin vínculo con esta propuesta. "
            "El Ing. Apaza es el especialista en balance hídrico con mayor experiencia en la "
            "cuenca y reemplaza a la persona evaluadora que declaró un conflicto. Se deja "
            "constancia para el Comité de Innovación.",
        ),
    ),
]

ONGOING_CALL = "relaves-desmonteras-altoandinas"
ONGOING_SETTINGS: dict[str, object] = {
    "reviews_per_proposal": 3,
    "require_sector_mix": True,
    "blind_review": True,
    "reviews_visible": "after_own",
}
#: The team of a proposal names its partners: evaluators of the blind call read this instead.
REDACTED: dict[str, dict[str, str]] = {
    "Monitoreo satelital InSAR y piezómetros inalámbricos para relaveras de altura": {
        "team": "Ingeniera geotécnica principal, especialista en procesamiento InSAR de una "
        "empresa socia e investigador de una universidad socia.",
    },
}

AWARD_FEEDBACK = (
    "Estimado equipo:\n\nNos complace comunicarles que su propuesta ha sido seleccionada para "
    "financiamiento. A continuación encontrarán los comentarios del comité evaluador, que les "
    "pedimos considerar en el plan de trabajo del piloto.\n\n{draft}\n\nLa secretaría técnica "
    "se comunicará con ustedes para la firma del convenio."
)
NOT_SELECTED_FEEDBACK = (
    "Estimado equipo:\n\nLamentamos comunicarles que su propuesta no ha sido seleccionada en "
    "esta convocatoria. Agradecemos su participación; los comentarios del comité evaluador "
    "pueden ayudarles a fortalecerla para una próxima convocatoria.\n\n{draft}\n\nQuedamos a "
    "su disposición para una reunión de retroalimentación."
)


def coordinator() -> User:
    return person(COORDINATOR_EMAIL)


# --- The pool ----------------------------------------------------------------------------------


def _expertise(slugs: tuple[str, ...]) -> list[Capability]:
    terms = {
        c.slug: c
        for c in Capability.objects.filter(
            slug__in=slugs,
            dimension__in=(Capability.Dimension.VALUE_CHAIN, Capability.Dimension.SERVICE_AREA),
        )
    }
    missing = set(slugs) - set(terms)
    if missing:
        raise LookupError(f"Capabilities not in the taxonomy: {sorted(missing)}")
    return [terms[slug] for slug in slugs]


def _seed_pool() -> int:
    actor = coordinator()
    existing = set(
        Evaluator.objects.filter(user__email__in=[e.email for e in POOL]).values_list(
            "user__email", flat=True
        )
    )
    added = 0
    for spec in POOL:
        if spec.email in existing:
            continue
        expertise = _expertise(spec.expertise)
        if spec.invited_name:
            invited = evaluating.evaluator_invite(
                actor=actor,
                email=spec.email,
                full_name=spec.invited_name,
                expertise=expertise,
                languages=spec.languages,
                sector=spec.sector,
                max_load=spec.max_load,
            )
            # She followed the link and chose a password (the demo's, like everyone's).
            user = invited.evaluator.user
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        else:
            evaluating.evaluator_add(
                actor=actor,
                user=person(spec.email),
                expertise=expertise,
                languages=spec.languages,
                sector=spec.sector,
                max_load=spec.max_load,
            )
        added += 1
    Evaluator.objects.filter(user__email__in=[e.email for e in POOL]).update(
        created_at=at(-296, 10)
    )
    return added


# --- Reviews -----------------------------------------------------------------------------------


def _by_proposal(call: Call) -> dict[str, list[Assignment]]:
    """The call's active assignments per proposal title, each list by evaluator name."""
    grouped: dict[str, list[Assignment]] = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(call=call, status__in=(Status.PENDING, Status.ACCEPTED))
        .select_related("proposal", "evaluator__user")
        .order_by("proposal__submitted_at", "evaluator__user__full_name", "pk")
    ):
        grouped[assignment.proposal.title].append(assignment)
    return grouped


def _write_review(
    assignment: Assignment, criteria: list[CallCriterion], spec: DemoReview, *, submit: bool
) -> None:
    user = assignment.evaluator.user
    evaluating.assignment_declare_no_conflict(actor=user, assignment=assignment)
    evaluating.review_save(
        actor=user,
        assignment=assignment,
        scores={
            criterion.pk: ScoreInput(
                None if score is None else Decimal(score), False, spec.notes.get(index, "")
            )
            for index, (criterion, score) in enumerate(zip(criteria, spec.scores, strict=True))
        },
        confidence=spec.confidence,
        comment=spec.comment,
        submit=submit,
    )


def _criteria(call: Call) -> list[CallCriterion]:
    return list(CallCriterion.objects.filter(call=call).order_by("position", "pk"))


# --- Calls that end decided ----------------------------------------------------------------


def _declare_conflict_and_replace(call: Call, plan: DemoDecided) -> None:
    if plan.conflict is None or plan.override is None:
        return
    title, conflict_type, note = plan.conflict
    assignments = _by_proposal(call)[title]
    declaring = next(
        (a for a in assignments if a.evaluator.sector == Sector.INDUSTRY), assignments[0]
    )
    evaluating.assignment_declare_conflict(
        actor=declaring.evaluator.user,
        assignment=declaring,
        conflict_type=conflict_type,
        note=note,
    )
    email, reason = plan.override
    assigning.assignment_create(
        actor=coordinator(),
        proposal=declaring.proposal,
        evaluator=Evaluator.objects.get(user__email=email),
        override_reason=reason,
    )


def _evaluate_and_decide(call: Call, plan: DemoDecided) -> DecisionBatch:
    actor = coordinator()
    call = assigning.evaluation_settings_update(actor=actor, call=call, data=plan.settings)
    outcome = assigning.assignments_auto(actor=actor, call=call)
    if not outcome.feasible:
        raise RuntimeError(f"The demo pool cannot evaluate {call.code}: {outcome.result}")
    _declare_conflict_and_replace(call, plan)
    criteria = _criteria(call)
    for title, assignments in _by_proposal(call).items():
        specs = REVIEWS[title]
        for index, assignment in enumerate(assignments):
            _write_review(assignment, criteria, specs[index % len(specs)], submit=True)
    ranked = [row.proposal_id for row in call_ranking(call).rows]
    awarded = set(ranked[: min(plan.awards, call.max_awards or plan.awards)])
    drafts = deciding.feedback_drafts(ranked)
    for proposal in Proposal.objects.filter(pk__in=ranked):
        award = proposal.pk in awarded
        template = AWARD_FEEDBACK if award else NOT_SELECTED_FEEDBACK
        deciding.decision_set(
            actor=actor,
            proposal=proposal,
            outcome=Decision.Outcome.AWARD if award else Decision.Outcome.NOT_SELECTED,
            feedback=template.format(draft=drafts.get(proposal.pk, "").strip()),
        )
    return deciding.decisions_publish(actor=actor, call=call, rationale=plan.rationale)


# --- The call in evaluation --------------------------------------------------------------------


def _evaluate_partly(call: Call) -> None:
    actor = coordinator()
    call = assigning.evaluation_settings_update(actor=actor, call=call, data=ONGOING_SETTINGS)
    for proposal in Proposal.objects.filter(call=call, title__in=REDACTED):
        texts = REDACTED[proposal.title]
        evaluating.redacted_texts_set(actor=actor, proposal=proposal, texts=texts)
    _closes, evaluation = CALLS_BY_CODE[call.code].timeline[1:3]
    outcome = assigning.assignments_auto(actor=actor, call=call, due_at=at(evaluation - 5, 17))
    if not outcome.feasible:
        raise RuntimeError(f"The demo pool cannot evaluate {call.code}: {outcome.result}")
    criteria = _criteria(call)
    for title, assignments in _by_proposal(call).items():
        specs = REVIEWS[title]
        stages = ONGOING_STAGES[title]
        for index, assignment in enumerate(assignments):
            stage = stages[index % len(stages)]
            if stage == "pending":
                continue
            if stage == "accepted":
                evaluating.assignment_declare_no_conflict(
                    actor=assignment.evaluator.user, assignment=assignment
                )
                continue
            spec = specs[index % len(specs)]
            _write_review(assignment, criteria, spec, submit=stage == "submitted")


# --- The demo's history ------------------------------------------------------------------------


def restamp_batch(batch: DecisionBatch, when: datetime.datetime) -> None:
    """Give a demo decision batch its publication time in the demo's history: its SHA-256
    covers that time, so it is computed again and the batch still verifies."""
    # As read back from the database (UTC), which is what batch_verifies hashes.
    batch.published_at = when.astimezone(datetime.UTC)
    batch.sha256 = snapshot_sha256(deciding.batch_document(batch))
    DecisionBatch.objects.filter(pk=batch.pk).update(
        published_at=batch.published_at, sha256=batch.sha256
    )


def _set_times(call: Call) -> None:
    """Assignments two days after the call closed (reviews due five days before its evaluation
    ends), declarations within days, the replacement the day after a declared conflict, reviews
    spread over the evaluation (drafts touched two days ago), decisions three days after the
    evaluation ended and the batch published when the results were announced."""
    spec = CALLS_BY_CODE[call.code]
    _opens, closes, evaluation, results = spec.timeline
    real = timeline(spec)
    Call.objects.filter(pk=call.pk).update(
        evaluation_ends_at=real["evaluation_ends_at"], results_at=real["results_at"]
    )
    assignments = list(Assignment.objects.filter(call=call).order_by("pk"))
    for index, assignment in enumerate(assignments):
        times: dict[str, datetime.datetime | None] = {"due_at": at(evaluation - 5, 17)}
        if assignment.method == Assignment.Method.MANUAL:
            times["assigned_at"] = at(closes + 4, 11, 15)
            if assignment.declared_at:
                times["declared_at"] = at(closes + 5, 8, 50)
        else:
            times["assigned_at"] = at(closes + 2, 10, 30)
            if assignment.status == Status.CONFLICT:
                times["declared_at"] = at(closes + 3, 9, 40)
            elif assignment.declared_at:
                times["declared_at"] = at(closes + 3 + index % 3, 8 + index % 5, 10)
        Assignment.objects.filter(pk=assignment.pk).update(**times)
    ConflictOverride.objects.filter(proposal__call=call).update(decided_at=at(closes + 4, 11, 5))
    RedactedText.objects.filter(proposal__call=call).update(written_at=at(closes + 1, 16, 20))
    last = min(evaluation - 6, -2)
    reviews = list(Review.objects.filter(assignment__call=call).order_by("pk"))
    span = max(last - (closes + 8), 1)
    for index, review in enumerate(reviews):
        if review.submitted_at is None:
            Review.objects.filter(pk=review.pk).update(updated_at=at(-2, 19, 30 + index % 30))
            continue
        day = closes + 8 + (index * span) // max(len(reviews) - 1, 1)
        when = at(day, 18, 5 + index % 50)
        Review.objects.filter(pk=review.pk).update(submitted_at=when, updated_at=when)
    Decision.objects.filter(proposal__call=call).update(decided_at=at(evaluation + 3, 16))
    batch = DecisionBatch.objects.filter(call=call).first()
    if batch is not None:
        restamp_batch(batch, at(results, 12))


# --- Seed --------------------------------------------------------------------------------------


def seed(*, stdout: TextIO) -> None:
    # The coordinator works in Spanish: texts the services write (override flags, feedback
    # headings) are stored in the language they were written in.
    with translation.override("es"):
        added = _seed_pool()
        calls = demo_calls()
        published = 0
        for plan in DECIDED_CALLS:
            call = calls[plan.call]
            if (
                call.status != Call.Status.IN_EVALUATION
                or DecisionBatch.objects.filter(call=call).exists()
            ):
                continue
            _evaluate_and_decide(call, plan)
            _set_times(call)
            published += 1
        ongoing = calls[ONGOING_CALL]
        if (
            ongoing.status == Call.Status.IN_EVALUATION
            and not Assignment.objects.filter(call=ongoing).exists()
        ):
            _evaluate_partly(ongoing)
            _set_times(ongoing)
    stdout.write(
        f"  evaluation: {Evaluator.objects.count()} evaluators ({added} new), "
        f"{Assignment.objects.filter(call__in=calls.values()).count()} assignments, "
        f"{Review.objects.filter(assignment__call__in=calls.values()).count()} reviews, "
        f"{published} decision batches published now"
    )
