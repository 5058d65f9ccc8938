"""`seed --demo`: about 120 people in a six-level org chart, teams, and everything around them.

Deterministic: one `random.Random(DEMO_SEED)` drives every choice, and dates are offsets from
the moment the seed runs, so every run writes the same rows (only the dates move). Demo
accounts share DEMO_PASSWORD, hashed once.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from cli.seed import names
from cli.seed.common import Plan, at, check_empty, write_plan
from cli.seed.demo_activity import plan_activity
from cli.seed.demo_context import DemoContext, Person

DEMO_SEED = 20260501
DEMO_PASSWORD = "peoplegraph-demo"


class DemoAccount(NamedTuple):
    email: str
    name: str
    role: str
    description: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("ada.lovelace@example.com", "Ada Lovelace", "employee",
                "Software Engineer on Web: tasks, a mentor, a pending mentee request, enrollments"),
    DemoAccount("grace.hopper@example.com", "Grace Hopper", "employee", "Tech Lead, Web Frontend: Ada's manager"),
    DemoAccount("margaret.hamilton@example.com", "Margaret Hamilton", "employee",
                "Engineering Manager, Web: Grace's manager"),
    DemoAccount("hr@example.com", "Frances Perkins", "hr", "HR Business Partner (role hr)"),
    DemoAccount("admin@example.com", "Alan Turing", "admin", "Systems Administrator (role admin)"),
    DemoAccount("nadia.okafor@example.com", "Nadia Okafor", "employee", "Chief Executive Officer"),
)  # fmt: skip

# key -> (given name, family name, email, pronouns, job title override, location index)
_FIXED: dict[str, tuple[str, str, str, str, str | None, int]] = {
    "ceo": ("Nadia", "Okafor", "nadia.okafor@example.com", "she/her", None, 0),
    "margaret": ("Margaret", "Hamilton", "margaret.hamilton@example.com", "she/her", None, 2),
    "grace": ("Grace", "Hopper", "grace.hopper@example.com", "she/her", None, 2),
    "ada": ("Ada", "Lovelace", "ada.lovelace@example.com", "she/her", "Software Engineer", 0),
    "hr": ("Frances", "Perkins", "hr@example.com", "she/her", None, 0),
    "admin": ("Alan", "Turing", "admin@example.com", "he/him", "Systems Administrator", 0),
}


@dataclass
class Unit:
    """A person slot in the org chart: title, department, the team they lead, their reports."""

    title: str
    dept: str
    team: str | None = None
    key: str | None = None
    role: str = "employee"
    ics: int = 0
    ic_keys: tuple[str, ...] = ()
    kids: list[Unit] = field(default_factory=list)


def _u(title: str, dept: str, *kids: Unit, **options: Any) -> Unit:
    return Unit(title, dept, kids=list(kids), **options)


def _lead(title: str, dept: str, ics: int, **options: Any) -> Unit:
    return Unit(title, dept, ics=ics, **options)


ORG = _u(
    "Chief Executive Officer", "exec",
    _u("VP of Engineering", "eng",
       _u("Director of Platform Engineering", "eng",
          _u("Engineering Manager, Infrastructure", "eng",
             _lead("Tech Lead, Networking", "eng", 3, ic_keys=("admin",)),
             _lead("Tech Lead, Reliability", "eng", 3),
             team="Infrastructure"),
          _u("Engineering Manager, Data", "data",
             _lead("Lead Data Engineer", "data", 3),
             _lead("Analytics Lead", "data", 3),
             team="Data Platform"),
          team="Platform"),
       _u("Director of Product Engineering", "eng",
          _u("Engineering Manager, Web", "eng",
             _lead("Tech Lead, Web Frontend", "eng", 4, key="grace", ic_keys=("ada",)),
             _lead("Tech Lead, Web Platform", "eng", 4),
             team="Web", key="margaret"),
          _u("Engineering Manager, Mobile", "eng",
             _lead("Tech Lead, iOS", "eng", 3),
             _lead("Tech Lead, Android", "eng", 3),
             team="Mobile"),
          team="Product Engineering"),
       team="Engineering"),
    _u("VP of Product", "product",
       _u("Director of Product Management", "product",
          _u("Group Product Manager", "product",
             _lead("Lead Product Manager, Core", "product", 2),
             _lead("Lead Product Manager, Growth", "product", 2))),
       _u("Director of Design", "design",
          _u("Design Manager", "design",
             _lead("Lead Product Designer", "design", 3),
             _lead("Research Lead", "design", 3)),
          team="Design"),
       team="Product & Design"),
    _u("VP of People", "people",
       _u("Director of People Operations", "people",
          _u("HR Manager", "people",
             _lead("HR Business Partner", "people", 2, key="hr", role="hr"),
             _lead("Learning & Development Lead", "people", 2),
             role="hr"),
          role="hr"),
       _u("Director of Talent Acquisition", "talent",
          _u("Recruiting Manager", "talent", _lead("Lead Recruiter", "talent", 4)),
          team="Talent Acquisition"),
       team="People", role="hr"),
    _u("VP of Sales", "sales",
       _u("Director of Sales", "sales",
          _u("Sales Manager, EMEA", "sales",
             _lead("Sales Team Lead, EMEA", "sales", 3), _lead("SDR Lead, EMEA", "sales", 3)),
          _u("Sales Manager, Americas", "sales",
             _lead("Sales Team Lead, Americas", "sales", 3), _lead("SDR Lead, Americas", "sales", 2))),
       _u("Director of Customer Success", "success",
          _u("Support Manager", "success",
             _lead("Support Lead", "success", 3), _lead("Customer Success Lead", "success", 3)),
          team="Customer Success"),
       team="Sales & Success"),
    _u("Chief Financial Officer", "finance",
       _u("Director of Finance", "finance",
          _u("Finance Manager", "finance", _lead("Accounting Lead", "finance", 3))),
       _u("General Counsel", "finance",
          _u("Legal Manager", "finance", _lead("Senior Legal Counsel", "finance", 2))),
       team="Finance & Operations"),
    team="Leadership", key="ceo", ics=2,
)  # fmt: skip


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class _People:
    """Draws unique names and realistic profile details."""

    def __init__(self, rng: random.Random, today: date, password_hash: str) -> None:
        self.rng, self.today, self.password_hash = rng, today, password_hash
        self.taken = {(f[0], f[1]) for f in _FIXED.values()}
        self.emails = {f[2] for f in _FIXED.values()}
        self.weights = [w for _, _, w in names.LOCATIONS]

    def profile(self, unit_key: str | None, dept: str, level: int, title: str) -> dict[str, Any]:
        rng = self.rng
        location = rng.choices(names.LOCATIONS, weights=self.weights)[0]
        pronouns = ""
        if unit_key:
            given, family, email, pronouns, override, loc = _FIXED[unit_key]
            title, location = override or title, names.LOCATIONS[loc]
        else:
            while True:
                (given, pronouns), family = rng.choice(names.GIVEN_NAMES), rng.choice(names.FAMILY_NAMES)
                email = f"{_ascii(given)}.{_ascii(family)}@example.com"
                if (given, family) not in self.taken and email not in self.emails:
                    break
            self.taken.add((given, family))
            pronouns = pronouns if rng.random() < 0.8 else ""
        self.emails.add(email)
        pool = names.SKILLS[dept]
        skills = rng.sample(pool, k=min(len(pool), rng.randint(2, 5)))
        if rng.random() < 0.3:
            skills.append(rng.choice(names.SHARED_SKILLS))
        # Seniority shows in tenure: leaders tend to have been here longer.
        tenure_days = rng.randint(30, 900) + (5 - level) * rng.randint(60, 250) if level else 2900
        contact_given, _ = rng.choice(names.GIVEN_NAMES)
        return {
            "email": email,
            "given_name": given,
            "family_name": family,
            "job_title": title,
            "location": location[0],
            "timezone": location[1],
            "pronouns": pronouns,
            "bio": rng.choice(names.BIO_OPENERS),
            "skills": list(dict.fromkeys(skills)),
            "hire_date": self.today - timedelta(days=tenure_days),
            "phone": f"+1-555-01{rng.randint(0, 99):02d}",
            "birth_date": self.today.replace(year=self.today.year - rng.randint(22, 62), month=rng.randint(1, 12), day=rng.randint(1, 28)),
            "emergency_contact": f"{contact_given} {family} ({rng.choice(names.RELATIONS)}), +1-555-01{rng.randint(0, 99):02d}",
            "password_hash": self.password_hash,
        }  # fmt: skip


def plan_demo(now: datetime, password_hash: str) -> tuple[Plan, DemoContext]:
    """Every demo row, planned from a fixed seed; `now` only moves the dates."""
    rng = random.Random(DEMO_SEED)
    plan, ctx = Plan(), DemoContext()
    drawer = _People(rng, now.date(), password_hash)

    def place(unit: Unit, level: int, manager_id: int | None, team_id: int | None) -> None:
        values = drawer.profile(unit.key, unit.dept, level, unit.title)
        created = at(values["hire_date"], 8)
        emp_id = plan.add("employees", **values, role=unit.role, manager_id=manager_id, created_at=created)
        person = Person(emp_id, unit.key, unit.dept, level, manager_id, team_id, values["job_title"],
                        "active", unit.role, values["skills"])  # fmt: skip
        ctx.people.append(person)
        if unit.key:
            ctx.by_key[unit.key] = person
        if team_id is not None:
            plan.add(
                "team_memberships", team_id=team_id, employee_id=emp_id, role="member", joined_at=created
            )
            ctx.team_members.setdefault(team_id, []).append(emp_id)
        own_team = team_id
        if unit.team:
            slug = "-".join(_ascii(word) for word in unit.team.replace("&", " ").split())
            own_team = plan.add("teams", name=unit.team, slug=slug, parent_id=team_id, lead_id=emp_id,
                                description=f"{unit.team}, led by the {unit.title}.")  # fmt: skip
            ctx.team_ids[unit.team] = own_team
            plan.add("team_memberships", team_id=own_team, employee_id=emp_id, role="lead", joined_at=created)
            ctx.team_members.setdefault(own_team, []).append(emp_id)
            person.team_id = own_team
        for kid in unit.kids:
            place(kid, level + 1, emp_id, own_team)
        for n in range(unit.ics):
            key = unit.ic_keys[n] if n < len(unit.ic_keys) else None
            title = rng.choice(names.IC_TITLES[unit.dept])
            place(Unit(title, unit.dept, key=key, role="admin" if key == "admin" else "employee"),
                  level + 1, emp_id, own_team)  # fmt: skip

    place(ORG, 0, None, None)
    _set_statuses(rng, plan, ctx)
    plan_activity(plan, ctx, rng, now)
    return plan, ctx


def _set_statuses(rng: random.Random, plan: Plan, ctx: DemoContext) -> None:
    """A few individual contributors on leave, two who have left (and left their teams)."""
    ics = [p for p in ctx.people if p.key is None and not any(q.manager_id == p.id for q in ctx.people)]
    chosen = rng.sample(ics, 5)
    for person, status in zip(chosen, ["on_leave"] * 3 + ["terminated"] * 2, strict=True):
        person.status = status
        plan.rows["employees"][person.id - 1]["status"] = status
    gone = {p.id for p in ctx.people if p.status == "terminated"}
    kept = [m for m in plan.rows["team_memberships"] if m["employee_id"] not in gone]
    plan.rows["team_memberships"] = [{**m, "id": i} for i, m in enumerate(kept, start=1)]
    for members in ctx.team_members.values():
        members[:] = [m for m in members if m not in gone]


async def seed_demo(
    *, if_empty: bool = False, now: datetime | None = None, password_hash: str | None = None
) -> dict[str, int] | None:
    """Write the demo data; None when `if_empty` and employees already exist."""
    if not await check_empty(if_empty=if_empty):
        return None
    if password_hash is None:
        from auth.passwords import hash_password

        password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    plan, _ = plan_demo(now or datetime.now(UTC), password_hash)
    return await write_plan(plan, batch_size=500)
