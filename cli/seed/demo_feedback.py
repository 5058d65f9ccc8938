"""The demo's kudos and feedback requests: thanks between teammates (with the skills they
recognize), and feedback asked and given in every state. Ada Lovelace has some of each: kudos
from her team, a request of her own answered and shared with her manager, one still pending,
and one from a colleague waiting for her answer (FeedbackRequest:1).

Drawn from a random generator of their own, so that adding them moves none of the rows the
other planners draw before them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from cli.seed.common import Plan
from cli.seed.demo_context import DemoContext, Person, active

DEMO_FEEDBACK_SEED = 14_02
DEMO_KUDOS = 80
DEMO_FEEDBACK_REQUESTS = 24

_THANKS = (
    "Thanks for jumping on the incident so quickly.",
    "Your review caught a bug that would have hurt us in production.",
    "Great demo on Friday: clear, short and honest about the gaps.",
    "Thank you for pairing with me on the migration.",
    "The onboarding notes you wrote saved me days.",
    "Thanks for covering my on-call shift.",
)
_TOPICS = (
    "My presentation at the quarterly review",
    "How I ran the last retrospective",
    "My code reviews this quarter",
    "Working with me on the launch",
)
_ANSWERS = (
    "Clear structure and good pacing. Leave more room for questions next time.",
    "Your reviews are thorough and kind; sometimes they arrive late in the day.",
    "You kept the team calm under pressure. Writing decisions down would help others follow.",
)


def plan_feedback(plan: Plan, ctx: DemoContext, now: datetime) -> None:
    rng = random.Random(DEMO_FEEDBACK_SEED)
    ada = ctx.by_key["ada"]
    people = [p for p in active(ctx) if p.status == "active"]
    teammates = [p for p in people if p.team_id == ada.team_id and p.id != ada.id]
    manager = next(p for p in ctx.people if p.id == ada.manager_id)
    asker = next(p for p in teammates if p.id != manager.id)
    # Waiting for Ada's answer (first, so that it is FeedbackRequest:1).
    _request(plan, asker, ada, rng.choice(_TOPICS), now - timedelta(days=2), now, due_days=5)
    # Ada's own: one answered and shared with her manager, one pending.
    answered_by, pending_with = [p for p in teammates if p.id not in (manager.id, asker.id)][:2]
    _request(plan, ada, answered_by, _TOPICS[0], now - timedelta(days=12), now, due_days=-5,
             answer=(_ANSWERS[0], "shared_with_manager"))  # fmt: skip
    _request(plan, ada, pending_with, _TOPICS[0], now - timedelta(days=12), now, due_days=-5)
    for giver in teammates[:3]:
        _kudos(plan, rng, giver, ada, now - timedelta(days=rng.uniform(1, 60)))
    for n in range(DEMO_FEEDBACK_REQUESTS - 3):
        requester = rng.choice(people)
        respondent = rng.choice([p for p in people if p.id != requester.id])
        answer = (rng.choice(_ANSWERS), rng.choice(("private", "shared_with_manager"))) if n % 2 else None
        _request(plan, requester, respondent, rng.choice(_TOPICS), now - timedelta(days=rng.uniform(1, 90)),
                 now, due_days=rng.randint(-20, 20), answer=answer)  # fmt: skip
    for _ in range(DEMO_KUDOS - 3):
        giver = rng.choice(people)
        team = [p for p in people if p.team_id == giver.team_id and p.id != giver.id]
        receiver = rng.choice(team or [p for p in people if p.id != giver.id])
        _kudos(plan, rng, giver, receiver, now - timedelta(days=rng.uniform(1, 180)))


def _kudos(plan: Plan, rng: random.Random, giver: Person, receiver: Person, moment: datetime) -> None:
    skills = rng.sample(receiver.skills, k=min(len(receiver.skills), rng.randint(0, 2)))
    kudos_id = plan.add("kudos", giver_id=giver.id, receiver_id=receiver.id, message=rng.choice(_THANKS),
                        skills=skills, created_at=moment)  # fmt: skip
    for skill in skills:
        plan.add("kudos_skills", kudos_id=kudos_id, receiver_id=receiver.id, skill=skill)


def _request(
    plan: Plan,
    requester: Person,
    respondent: Person,
    about: str,
    created: datetime,
    now: datetime,
    *,
    due_days: int,
    answer: tuple[str, str] | None = None,
) -> None:
    submitted = created + (now - created) / 2 if answer else None
    plan.add("feedback_requests", requester_id=requester.id, respondent_id=respondent.id, about=about,
             due_on=(now + timedelta(days=due_days)).date(),
             status="submitted" if answer else "pending", body=answer[0] if answer else None,
             visibility=answer[1] if answer else None, submitted_at=submitted, created_at=created,
             updated_at=submitted or created)  # fmt: skip
