"""The benchmark queries of issue 12 (Q1-Q3) and other operations the planner covers."""

from __future__ import annotations

Q1 = """query Q1($id: ID!) { node(id: $id) { ... on Employee { id givenName familyName jobTitle
  manager { id givenName familyName }
  teams(first: 5) { edges { role node { id name members(first: 20) { edges { node { id givenName familyName jobTitle } } } } } }
  tasks(first: 20, filter: {status: [TODO, IN_PROGRESS]}, orderBy: {field: DUE_DATE, direction: ASC}) { edges { node { id title status priority dueDate } } }
  enrollments(first: 10) { edges { node { id status session { id startsAt course { id title } } } } }
  mentorshipsAsMentee(first: 5) { edges { node { id status mentor { id givenName familyName } } } } } } }"""

Q2 = """query Q2($id: ID!) { node(id: $id) { ... on Team { id name members(first: 50) { edges { role node {
  id givenName familyName jobTitle tasks(first: 10) { edges { node { id title status } } } } } } } } }"""

Q3 = """query Q3 { tasks(first: 100, filter: {status: [TODO, IN_PROGRESS]}, orderBy: {field: DUE_DATE, direction: ASC}) {
  edges { node { id title status dueDate assignee { id givenName familyName manager { id givenName familyName } } team { id name } } } } }"""

FRAGMENTS = """
query Frag($id: ID!, $n: Int) {
  me: node(id: $id) { __typename id ...Person ... on Team { name } }
  open: tasks(first: $n, orderBy: {field: TITLE, direction: DESC}) { __typename nodes { ...TaskBits } }
}
fragment Person on Employee { givenName boss: manager { ...Name } createdAt hireDate status role version }
fragment Name on Employee { givenName familyName }
fragment TaskBits on Task { title createdAt completedAt creator { email } priority }
"""

TEAM_PAGE = """query T($id: ID!) { node(id: $id) { id ... on Team { slug createdAt lead { email }
  parent { name } members(role: MEMBER) { edges { role joinedAt node { email directReports { nodes { email } } } } }
  tasks(orderBy: {field: DUE_DATE, direction: DESC}, filter: {status: []}) { edges { __typename node { title dueDate } } } } } }"""

EMPLOYEE_LISTS = """query E($id: ID!) { node(id: $id) { ... on Employee {
  createdTasks(first: 3) { nodes { title } }
  mentorshipsAsMentor(filter: {status: [ACTIVE, PROPOSED]}) { edges { node { status startedAt mentee { email } } } }
  enrollments { nodes { status enrolledAt score session { status capacity endsAt instructor { email } course { mandatory code } } } } } } }"""

COUNTS = """query($n: Int) { tasks(first: $n) { totalCount pageInfo { __typename hasNextPage hasPreviousPage } }
  viewer { email directReports { totalCount nodes { email } } teams { totalCount pageInfo { hasNextPage } } } }"""

NODES = """query($id: ID!) { node(id: $id) { __typename id ... on Task { title assignee { email } team { name } }
  ... on Mentorship { status mentee { email } } ... on Enrollment { status employee { email } session { location } }
  ... on TrainingSession { capacity course { title } } ... on TrainingCourse { code mandatory } } }"""

# The README's first query (README.md, "A first query").
README_FIRST = """{
  viewer {
    displayName
    manager { displayName }
    tasks(first: 5, filter: {status: [TODO, IN_PROGRESS]}, orderBy: {field: DUE_DATE, direction: ASC}) {
      totalCount
      nodes { id title status dueDate viewerCanUpdate }
    }
    teams { edges { role node { name lead { displayName } } } }
  }
}"""

CAPABILITIES = """query($id: ID!) { node(id: $id) { ... on Employee { viewerCanUpdate
  tasks { nodes { viewerCanUpdate viewerCanDelete team { viewerCanManage } } }
  teams { edges { node { viewerCanManage } } } } } }"""

# GraphiQL's default document (static/graphiql.js `DEFAULT_QUERY`), both operations at once.
GRAPHIQL = """query { viewer { id displayName jobTitle manager { displayName } }
  employees(first: 5, orderBy: {field: FAMILY_NAME, direction: ASC}) {
    totalCount edges { node { id displayName jobTitle manager { displayName } } } } }"""

ROOT_LISTS = """{ employees(filter: {status: [ACTIVE], role: []}, orderBy: {field: HIRE_DATE, direction: DESC}) { nodes { email } }
  teams(orderBy: {field: CREATED_AT, direction: DESC}) { totalCount nodes { name members { edges { node { email } } } } }
  mentorships(filter: {status: [ACTIVE, PROPOSED]}) { totalCount edges { node { status mentor { email } } } } }"""

CURSORS = """query($id: ID!) { tasks(first: 2) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } }
  node(id: $id) { ... on Employee { teams(first: 1) { edges { cursor role node { name members { edges { cursor node { email } }
    pageInfo { startCursor endCursor hasPreviousPage } } } } pageInfo { startCursor endCursor } }
  tasks(orderBy: {field: DUE_DATE, direction: DESC}) { edges { cursor } pageInfo { startCursor endCursor } }
  directReports(first: 0) { pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } } } }"""

SEARCH = """query($id: ID!) { employees(filter: {search: "ORK"}) { totalCount nodes { email } }
  tasks(filter: {search: "task", status: [TODO]}) { totalCount edges { cursor node { title } } }
  node(id: $id) { ... on Employee { tasks(filter: {search: "1"}) { totalCount nodes { title } } } } }"""

# A search text as a variable, each value its own plan (pinned): tests/api/compiled/test_differential.py
SEARCH_TEXT = """query($s: String) { employees(filter: {search: $s}) { totalCount nodes { email } }
  tasks(first: 3, filter: {search: $s}) { totalCount pageInfo { hasNextPage endCursor } nodes { title } } }"""

LIST_SCALARS = """query($id: ID!) { node(id: $id) { ... on Employee { skills manager { skills }
  mentorshipsAsMentee { nodes { focusSkills mentor { skills } } }
  enrollments { nodes { session { course { code skills } } } } } }
  employees(first: 100) { nodes { email skills } } mentorships { nodes { focusSkills } } }"""

TRAINING = """query($course: ID, $after: DateTime) {
  trainingCourses(orderBy: {field: CODE, direction: DESC}) { totalCount edges { cursor node { code skills
    sessions(first: 1, orderBy: {field: STARTS_AT, direction: DESC}) { totalCount nodes { location }
      pageInfo { hasNextPage endCursor } } } } }
  mandatory: trainingCourses(filter: {mandatory: true, search: "SEC", category: null}) { nodes { title } }
  trainingSessions(first: 1, filter: {courseId: $course, status: [SCHEDULED], startsAfter: $after}) {
    totalCount edges { cursor node { startsAt course { code } instructor { email } } } pageInfo { hasNextPage endCursor } }
  all: trainingSessions(orderBy: {field: CREATED_AT, direction: DESC}) { nodes { status capacity } } }"""

SUBTEAMS = """query($id: ID!) { node(id: $id) { ... on Team { name subteams { totalCount
  edges { cursor node { name parent { name } } } pageInfo { hasNextPage endCursor } } } }
  teams(orderBy: {field: NAME, direction: DESC}) { nodes { name
    subteams(first: 1, orderBy: {field: CREATED_AT, direction: ASC}) { totalCount nodes { slug } } } } }"""

COVERED = {
    "training": TRAINING,
    "subteams": SUBTEAMS,
    "list_scalars": LIST_SCALARS,
    "cursors": CURSORS,
    "search": SEARCH,
    "graphiql": GRAPHIQL,
    "root_lists": ROOT_LISTS,
    "readme_first": README_FIRST,
    "capabilities": CAPABILITIES,
    "counts": COUNTS,
    "Q1": Q1,
    "Q2": Q2,
    "Q3": Q3,
    "fragments": FRAGMENTS,
    "team_page": TEAM_PAGE,
    "employee_lists": EMPLOYEE_LISTS,
}

# Paged with `after:` by tests/api/compiled/test_cursors.py: (query, the connection's path in `data`).
PAGED = {
    "root_due": (
        """query($after: String) { tasks(first: 3, after: $after, orderBy: {field: DUE_DATE, direction: DESC})
        { totalCount edges { cursor node { title dueDate } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }""",
        ("tasks",),
    ),
    # Nulls last: the pages cross from the rows with a due date to those without (SQLite reads
    # the two parts in turn, planner/pages.py `page_rows`).
    "root_due_asc": (
        """query($after: String) { tasks(first: 3, after: $after, orderBy: {field: DUE_DATE, direction: ASC})
        { edges { cursor node { title dueDate } } pageInfo { hasNextPage endCursor } } }""",
        ("tasks",),
    ),
    # A nested list with and without due dates, both ways (the first team's tasks).
    "team_due_asc": (
        """query($after: String) { teams(first: 1, filter: null, orderBy: {field: CREATED_AT, direction: ASC}) {
        nodes { tasks(first: 1, after: $after, orderBy: {field: DUE_DATE, direction: ASC}) { nodes { title dueDate
        assignee { email manager { email } } } pageInfo { hasNextPage endCursor } } } } }""",
        ("teams", "nodes", 0, "tasks"),
    ),
    "team_due_desc": (
        """query($after: String) { teams(first: 1, filter: null, orderBy: {field: CREATED_AT, direction: ASC}) {
        nodes { tasks(first: 2, after: $after, orderBy: {field: DUE_DATE, direction: DESC}) { nodes { title dueDate
        team { name } } pageInfo { hasNextPage endCursor } } } } }""",
        ("teams", "nodes", 0, "tasks"),
    ),
    "root_title": (
        """query($after: String) { tasks(first: 4, after: $after, orderBy: {field: TITLE, direction: ASC},
        filter: {status: [TODO, DONE, BLOCKED]}) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }""",
        ("tasks",),
    ),
    "nested_created": (
        """query($after: String, $id: ID!) { node(id: $id) { ... on Employee { tasks(first: 1, after: $after) {
        totalCount edges { cursor node { title createdAt } } pageInfo { hasNextPage hasPreviousPage endCursor } } } } }""",
        ("node", "tasks"),
    ),
    "members": (
        """query($after: String, $id: ID!) { node(id: $id) { ... on Employee { teams(first: 1, after: $after) {
        edges { cursor joinedAt node { name } } pageInfo { hasNextPage startCursor endCursor } } } } }""",
        ("node", "teams"),
    ),
    "sessions": (
        """query($after: String) { trainingSessions(first: 1, after: $after, orderBy: {field: STARTS_AT, direction: DESC})
        { totalCount edges { cursor node { startsAt location } } pageInfo { hasNextPage hasPreviousPage endCursor } } }""",
        ("trainingSessions",),
    ),
    "courses": (
        """query($after: String) { trainingCourses(first: 1, after: $after) { edges { cursor node { title } }
        pageInfo { hasNextPage endCursor } } }""",
        ("trainingCourses",),
    ),
    "subteams": (
        """query($after: String) { teams(first: 1, filter: null, orderBy: {field: CREATED_AT, direction: ASC}) {
        nodes { subteams(first: 1, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } } } }""",
        ("teams", "nodes", 0, "subteams"),
    ),
    "time_off": (
        """query($after: String, $id: ID!) { node(id: $id) { ... on Employee { timeOff(first: 1, after: $after) {
        totalCount edges { cursor node { startsOn kind } } pageInfo { hasNextPage hasPreviousPage endCursor } } } } }""",
        ("node", "timeOff"),
    ),
    "kudos": (
        """query($after: String, $id: ID!) { node(id: $id) { ... on Employee { kudosReceived(first: 1, after: $after) {
        edges { cursor node { message } } pageInfo { hasNextPage startCursor endCursor } } } } }""",
        ("node", "kudosReceived"),
    ),
    "feedback": (
        """query($after: String, $id: ID!) { node(id: $id) { ... on Employee { feedbackRequests(first: 1, after: $after) {
        nodes { about status } pageInfo { hasNextPage endCursor } } } } }""",
        ("node", "feedbackRequests"),
    ),
}

# Compiled on PostgreSQL; too deep for SQLite's parser (falls back there).
DEEP = """{ tasks { nodes { team { members { edges { node {
  tasks { nodes { title assignee { manager { manager { manager { email } } } } } } } } } } } } }"""

# Each selects something the planner leaves to the resolver path (planner/README.md).
UNCURSORS = """query($id: ID!) { tasks(first: 2) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } }
  node(id: $id) { ... on Employee { teams(first: 1) { edges { cursor role node { name members { edges { cursor node { email } }
    pageInfo { startCursor endCursor hasPreviousPage } } } } pageInfo { startCursor endCursor } }
  tasks(orderBy: {field: DUE_DATE, direction: DESC}) { edges { cursor } pageInfo { startCursor endCursor } }
  directReports(first: 0) { pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } } } }"""

UNCOVERED = {
    "backward": "{ tasks(last: 2) { nodes { title } } }",
    "search_too_long": '{ employees(filter: {search: "%s"}) { nodes { email } } }' % ("x" * 300),
    "team_filter": "{ teams(filter: {topLevel: true}) { nodes { name } } }",
    # Another employee's sensitive field, for an employee: the resolver path refuses it.
    "sensitive": "query($id: ID!) { viewer { manager { phone } } node(id: $id) { ... on Employee { phone } } }",
    "capability": "{ trainingSessions { nodes { viewerCanEnroll } } }",
    "too_big": "{ tasks(first: 101) { nodes { title } } }",
    "bad_id": '{ node(id: "nope") { id } }',
    "suggestions": '{ mentorSuggestions(skills: ["x"]) { score } }',
}
