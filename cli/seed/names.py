"""Word lists behind the demo and benchmark seeds: names, places, titles, skills, courses.

Plain data, no logic. Changing a list changes the seeded rows, so append rather than reorder
when the demo data should stay recognisable.
"""

from __future__ import annotations

# fmt: off
# (given name, pronouns); pronouns are left blank for some people on purpose.
GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("Amara", "she/her"), ("Liam", "he/him"), ("Sofia", "she/her"), ("Mateo", "he/him"),
    ("Priya", "she/her"), ("Kenji", "he/him"), ("Zara", "she/her"), ("Noah", "he/him"),
    ("Aisha", "she/her"), ("Lucas", "he/him"), ("Ingrid", "she/her"), ("Tomás", "he/him"),
    ("Mei", "she/her"), ("Omar", "he/him"), ("Elena", "she/her"), ("Diego", "he/him"),
    ("Freya", "she/her"), ("Ravi", "he/him"), ("Chloé", "she/her"), ("Jonas", "he/him"),
    ("Yuki", "they/them"), ("Alex", "they/them"), ("Sam", "they/them"), ("Robin", "they/them"),
    ("Nia", "she/her"), ("Felix", "he/him"), ("Leila", "she/her"), ("Arjun", "he/him"),
    ("Hana", "she/her"), ("Emil", "he/him"), ("Chiara", "she/her"), ("Kwame", "he/him"),
    ("Maya", "she/her"), ("Oskar", "he/him"), ("Ana", "she/her"), ("Tariq", "he/him"),
    ("Ines", "she/her"), ("Hugo", "he/him"), ("Lina", "she/her"), ("Wei", "he/him"),
    ("Camille", "she/her"), ("Daniel", "he/him"), ("Fatima", "she/her"), ("Pedro", "he/him"),
    ("Sana", "she/her"), ("Marek", "he/him"), ("Olivia", "she/her"), ("Jin", "he/him"),
    ("Rosa", "she/her"), ("Andrés", "he/him"), ("Kira", "she/her"), ("Malik", "he/him"),
    ("Tara", "she/her"), ("Nils", "he/him"), ("Jordan", "they/them"), ("Quinn", "they/them"),
)

FAMILY_NAMES: tuple[str, ...] = (
    "Okafor", "Nguyen", "García", "Müller", "Patel", "Tanaka", "Kowalski", "Silva", "Haddad",
    "Johansson", "Rossi", "Dubois", "Chen", "Mensah", "O'Brien", "Fernández", "Novak", "Sato",
    "Andersen", "Kaur", "Ibrahim", "Costa", "Schmidt", "Kim", "Moreau", "Eriksson", "Adeyemi",
    "Petrov", "Santos", "Walsh", "Yilmaz", "Larsen", "Romero", "Hoffmann", "Das", "Lindqvist",
    "Mwangi", "Bianchi", "Park", "Herrera", "Fischer", "Nakamura", "Baker", "Jansen", "Osei",
    "Lopez", "Wagner", "Reyes", "Ito", "Murphy", "Khan", "Svensson", "Alvarez", "Richter",
)

# (location label, IANA time zone, relative weight)
LOCATIONS: tuple[tuple[str, str, int], ...] = (
    ("London, United Kingdom", "Europe/London", 8),
    ("Berlin, Germany", "Europe/Berlin", 6),
    ("New York, United States", "America/New_York", 7),
    ("San Francisco, United States", "America/Los_Angeles", 5),
    ("Toronto, Canada", "America/Toronto", 3),
    ("São Paulo, Brazil", "America/Sao_Paulo", 2),
    ("Bengaluru, India", "Asia/Kolkata", 4),
    ("Singapore", "Asia/Singapore", 2),
    ("Sydney, Australia", "Australia/Sydney", 2),
    ("Tokyo, Japan", "Asia/Tokyo", 1),
    ("Lisbon, Portugal (remote)", "Europe/Lisbon", 2),
    ("Nairobi, Kenya", "Africa/Nairobi", 1),
)

# Individual-contributor titles and skill pools per department.
IC_TITLES: dict[str, tuple[str, ...]] = {
    "exec": ("Chief of Staff", "Executive Assistant", "Strategy Associate"),
    "eng": ("Software Engineer", "Senior Software Engineer", "Software Engineer II", "Staff Engineer",
            "QA Engineer", "Site Reliability Engineer"),
    "data": ("Data Engineer", "Data Analyst", "Analytics Engineer", "Machine Learning Engineer"),
    "product": ("Product Manager", "Senior Product Manager", "Associate Product Manager"),
    "design": ("Product Designer", "Senior Product Designer", "UX Researcher", "Content Designer"),
    "people": ("HR Generalist", "People Operations Specialist", "Learning & Development Specialist"),
    "talent": ("Recruiter", "Technical Recruiter", "Recruiting Coordinator"),
    "sales": ("Account Executive", "Sales Development Representative", "Solutions Engineer"),
    "success": ("Customer Success Manager", "Support Engineer", "Implementation Specialist"),
    "finance": ("Financial Analyst", "Accountant", "Payroll Specialist", "Legal Counsel"),
}

SKILLS: dict[str, tuple[str, ...]] = {
    "exec": ("strategy", "fundraising", "public speaking", "negotiation", "hiring"),
    "eng": ("python", "typescript", "react", "postgresql", "kubernetes", "terraform", "graphql",
            "go", "observability", "security", "aws", "testing", "system design"),
    "data": ("python", "sql", "dbt", "spark", "airflow", "statistics", "machine learning", "looker"),
    "product": ("roadmapping", "user research", "analytics", "sql", "prioritization", "writing"),
    "design": ("figma", "prototyping", "user research", "accessibility", "design systems", "writing"),
    "people": ("employment law", "coaching", "compensation", "onboarding", "facilitation", "hris"),
    "talent": ("sourcing", "interviewing", "employer branding", "negotiation", "greenhouse"),
    "sales": ("negotiation", "salesforce", "prospecting", "demoing", "forecasting", "german", "spanish"),
    "success": ("onboarding", "zendesk", "sql", "account management", "training", "french"),
    "finance": ("excel", "forecasting", "ifrs", "payroll", "contracts", "netsuite"),
}

SHARED_SKILLS: tuple[str, ...] = ("mentoring", "public speaking", "project management", "first aid")

BIO_OPENERS: tuple[str, ...] = (
    "Joined from a fast-growing startup and never looked back.",
    "Previously a teacher; still explains things with a whiteboard.",
    "Happiest when a messy process becomes a simple one.",
    "Ask me about sourdough, cycling or incident reviews.",
    "Believes good documentation is a kindness.",
    "Grew up in three countries and speaks four languages badly.",
    "Runs the office book club.",
    "",
)

RELATIONS: tuple[str, ...] = ("partner", "spouse", "mother", "father", "sister", "brother", "friend")

# Courses: (code, title, category, hours, mandatory, skills, certification valid months or None)
COURSES: tuple[tuple[str, str, str, float, bool, tuple[str, ...], int | None], ...] = (
    ("SEC-101", "Security Awareness", "Compliance", 2, True, ("security",), 12),
    ("PRIV-110", "Data Protection and GDPR", "Compliance", 3, True, ("privacy",), 24),
    ("RESP-100", "Respect at Work", "Compliance", 2, True, ("inclusion",), 24),
    ("AID-200", "First Aid at Work", "Health & Safety", 16, False, ("first aid",), 36),
    ("FIRE-120", "Fire Warden Training", "Health & Safety", 4, False, ("fire safety",), 12),
    ("LEAD-201", "New Manager Essentials", "Leadership", 12, False, ("coaching", "feedback"), None),
    ("LEAD-310", "Leading Through Change", "Leadership", 8, False, ("change management",), None),
    ("COMM-150", "Giving and Receiving Feedback", "Communication", 3, False, ("feedback",), None),
    ("COMM-220", "Writing Clearly", "Communication", 4, False, ("writing",), None),
    ("ENG-240", "GraphQL API Design", "Engineering", 6, False, ("graphql", "system design"), None),
    ("ENG-330", "Kubernetes in Production", "Engineering", 12, False, ("kubernetes",), 24),
    ("ENG-150", "Secure Coding Fundamentals", "Engineering", 6, False, ("security", "testing"), 24),
    ("DATA-210", "SQL for Everyone", "Data", 6, False, ("sql",), None),
    ("DATA-320", "Experiment Design", "Data", 8, False, ("statistics",), None),
    ("SALES-200", "Consultative Selling", "Sales", 10, False, ("negotiation",), None),
    ("INC-100", "Inclusive Hiring", "People", 3, False, ("interviewing",), None),
)

TRAINING_ROOMS: tuple[str, ...] = (
    "London — Room Turing", "Berlin — Raum Noether", "New York — Room Hopper", "Online (video call)",
    "Bengaluru — Room Raman", "Toronto — Room Banting",
)

FEEDBACK_COMMENTS: tuple[str, ...] = (
    "Practical and well paced.", "Great examples, a bit long.", "The exercises were the best part.",
    "I will use this next week.", "Too basic for me, but clear.", "Excellent trainer.",
    "Would have liked more time for questions.", "",
)

TASK_VERBS: tuple[str, ...] = (
    "Review", "Draft", "Update", "Fix", "Prepare", "Migrate", "Document", "Plan", "Audit", "Set up",
    "Clean up", "Present", "Analyse", "Interview for", "Follow up on",
)

TASK_OBJECTS: tuple[str, ...] = (
    "Q3 roadmap", "onboarding checklist", "login rate limiting", "quarterly budget", "on-call runbook",
    "customer renewal plan", "design system tokens", "expense policy", "flaky integration tests",
    "hiring scorecard", "release notes", "database backups", "accessibility audit findings",
    "pricing page copy", "SSO configuration", "incident postmortem", "team offsite agenda",
    "API deprecation notice", "performance review notes", "training plan", "vendor contract",
    "dashboard for churn", "mobile crash reports", "error budget policy", "support macros",
)

MENTORSHIP_GOALS: tuple[str, ...] = (
    "Grow into a tech lead role within a year.",
    "Get better at presenting to senior stakeholders.",
    "Learn how to run effective one-to-ones.",
    "Understand the business side of product decisions.",
    "Build confidence in system design interviews.",
    "Prepare for a move into people management.",
    "Improve written communication and proposals.",
    "Navigate a first year in a new country and team.",
)

CHECK_IN_NOTES: tuple[str, ...] = (
    "Went through last week's design review; agreed on two things to try.",
    "Talked about delegation and saying no.",
    "Reviewed a draft proposal together; next step is sharing it with the team.",
    "Discussed career ladder expectations for the next level.",
    "Role-played a difficult conversation.",
    "Set goals for the next month.",
)
# fmt: on
