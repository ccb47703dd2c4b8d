"""What each role's home page shows: an agent's queue by urgency, the unowned cases, and for a
supervisor the team's overdue cases and each agent's load.

There are no teams in the model yet: "the team" is every active agent (and supervisor) who can own
cases. Every list is one indexed range read in due-time order, and every count stops at a cap,
however many open cases an agent holds.
"""

import time
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet, Value
from django.urls import reverse

from accounts.roles import user_roles
from complaints.access import assignable_users, visible_complaints
from complaints.models import OPEN_STATUSES, Complaint, Status
from complaints.selectors.case_lists import UrgencyFilter, first_due_page, timed_first, urgency_q
from complaints.selectors.rows import CaseRow, case_rows, list_rows
from complaints.selectors.urgency import COUNT_CAP
from complaints.selectors.urgency import CappedCount as Capped
from complaints.selectors.vocabularies import person_label
from portal import baked
from portal.baked import RawStatement, Statement, statement
from portal.db import capped_counts_statement, is_postgresql

QUEUE_SIZE = 25
SHORT_LIST = 10
_loads: dict[Any, tuple[float, "TeamLoad"]] = {}


def load_max_age() -> float:
    """Seconds a web process keeps the team's load before counting again: the counts are exact,
    over every running case (about 35 ms at a million cases), too dear for every visit."""
    return float(settings.TEAM_LOAD_MAX_AGE_SECONDS)


@dataclass(frozen=True)
class AgentHome:
    queue: list[CaseRow]
    more: bool
    reopened: list[CaseRow]
    unowned: list[CaseRow]
    open: Capped
    overdue: Capped
    at_risk: Capped
    reopened_count: Capped
    unowned_count: Capped
    unowned_overdue: Capped


def agent_home(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> AgentHome:
    """The agent's running cases most urgent first (overdue by how late, then at risk, then by due
    time), the cases reopened by their customer, and the most urgent unowned cases.

    Every read is baked (`portal.baked`): the same statements on every visit, compiled once per
    process and set of roles, which the access rule's condition depends on."""
    shape = frozenset(user_roles(user))
    counts = baked.rows(("home:agent-counts", shape), partial(_agent_counts, user), user_id=user.pk, now=now)[
        0
    ]
    open_count, overdue, at_risk, reopened_count, unowned_count, unowned_overdue = (
        Capped(value) for value in counts
    )
    # The three lists' first rows in one statement on PostgreSQL (each a round trip otherwise);
    # cases without a running clock (waiting on the customer, or no target) come after the rest,
    # read only when the timed ones do not fill a list.
    lists: dict[int, list[Any]] | None = None
    if is_postgresql():
        lists = {_QUEUE: [], _REOPENED: [], _UNOWNED: []}
        read = baked.rows(
            ("home:agent-lists", shape), partial(_agent_lists, user), named=True, user_id=user.pk
        )
        for row in read:
            lists[row.part].append(row)
    queue = first_due_page(
        ("home:agent-queue", shape),
        partial(_mine_open, user),
        size=QUEUE_SIZE,
        timed=lists[_QUEUE] if lists is not None else None,
        user_id=user.pk,
    )
    back = lists[_REOPENED] if lists is not None else None
    if back is None:
        back = (
            baked.rows(("home:agent-reopened", shape), partial(_reopened, user), named=True, user_id=user.pk)
            if reopened_count
            else []
        )
    waiting = first_due_page(
        ("home:unowned", shape),
        partial(_unowned, user),
        size=SHORT_LIST,
        timed=lists[_UNOWNED] if lists is not None else None,
    ).cases
    return AgentHome(
        queue=case_rows(queue.cases, now=now),
        more=queue.next_cursor is not None,
        reopened=case_rows(back, now=now),
        unowned=case_rows(waiting, now=now),
        open=open_count,
        overdue=overdue,
        at_risk=at_risk,
        reopened_count=reopened_count,
        unowned_count=unowned_count,
        unowned_overdue=unowned_overdue,
    )


_QUEUE, _REOPENED, _UNOWNED = 1, 2, 3


def _agent_lists(user: AbstractBaseUser | AnonymousUser, *, user_id: int) -> Statement:
    """The first rows of the agent's three lists, each row saying which (`part`): their running
    cases by due time, the cases reopened by their customer, the unowned running cases."""
    parts = [
        timed_first(_mine_open(user, user_id=user_id), QUEUE_SIZE).annotate(part=Value(_QUEUE)),
        _reopened_rows(user, user_id=user_id).annotate(part=Value(_REOPENED)),
        timed_first(_unowned(user), SHORT_LIST).annotate(part=Value(_UNOWNED)),
    ]
    return statement(parts[0].union(*parts[1:], all=True))


def _mine_open(user: AbstractBaseUser | AnonymousUser, *, user_id: int) -> QuerySet[Any]:
    return list_rows(visible_complaints(user).filter(owner_id=user_id, status__in=OPEN_STATUSES))


def _unowned(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Any]:
    return list_rows(visible_complaints(user).filter(owner__isnull=True, status__in=OPEN_STATUSES))


def _reopened(user: AbstractBaseUser | AnonymousUser, *, user_id: int) -> Statement:
    return statement(_reopened_rows(user, user_id=user_id))


def _reopened_rows(user: AbstractBaseUser | AnonymousUser, *, user_id: int) -> QuerySet[Any]:
    # In the order of the owner's queue index (owner, status, -reopened_at, resolution_due_at).
    reopened = visible_complaints(user).filter(owner_id=user_id, status=Status.REOPENED)
    return list_rows(reopened).order_by("-reopened_at", "resolution_due_at")[:SHORT_LIST]


def _agent_counts(user: AbstractBaseUser | AnonymousUser, *, user_id: int, now: datetime) -> RawStatement:
    visible = visible_complaints(user)
    mine = visible.filter(owner_id=user_id)
    running = mine.filter(due_at__isnull=False)  # open and not waiting on the customer
    return capped_counts_statement(
        [
            mine.filter(status__in=OPEN_STATUSES),
            running.filter(urgency_q(UrgencyFilter.OVERDUE, now)),
            running.filter(urgency_q(UrgencyFilter.AT_RISK, now)),
            mine.filter(status=Status.REOPENED),
            visible.filter(owner__isnull=True, status__in=OPEN_STATUSES),
            # A running clock means an open case: without the status test this count reads only
            # the unowned cases' due-time index, never the table.
            visible.filter(urgency_q(UrgencyFilter.OVERDUE, now), owner__isnull=True),
        ],
        COUNT_CAP,
    )


@dataclass(frozen=True)
class AgentLoad:
    pk: int
    name: str
    running: int
    overdue: int
    at_risk: int
    # Links to the case list for this person (built once, not reversed per cell).
    running_url: str
    overdue_url: str
    at_risk_url: str


@dataclass(frozen=True)
class TeamLoad:
    agents: list[AgentLoad]
    counted_at: datetime


@dataclass(frozen=True)
class SupervisorHome:
    overdue: list[CaseRow]
    overdue_count: Capped
    at_risk_count: Capped
    unowned_count: Capped
    load: TeamLoad


def supervisor_home(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> SupervisorHome:
    shape = frozenset(user_roles(user))
    counts = baked.rows(("home:team-counts", shape), partial(_team_counts, user), now=now)[0]
    rows = baked.rows(("home:team-overdue", shape), partial(_team_overdue, user), named=True, now=now)
    return SupervisorHome(
        overdue=case_rows(rows, now=now),
        overdue_count=Capped(counts[0]),
        at_risk_count=Capped(counts[1]),
        unowned_count=Capped(counts[2]),
        load=team_load(user, now=now),
    )


def _team_counts(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> RawStatement:
    visible = visible_complaints(user)
    return capped_counts_statement(
        [
            visible.filter(urgency_q(UrgencyFilter.OVERDUE, now)),
            visible.filter(urgency_q(UrgencyFilter.AT_RISK, now)),
            visible.filter(owner__isnull=True, status__in=OPEN_STATUSES),
        ],
        COUNT_CAP,
    )


def _team_overdue(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> Statement:
    overdue = visible_complaints(user).filter(urgency_q(UrgencyFilter.OVERDUE, now))
    return statement(list_rows(overdue).order_by("due_at", "id")[:QUEUE_SIZE])


def team_load(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> TeamLoad:
    """Each active staff member who can own cases, with their running cases, how many are overdue
    and how many at risk: one pass over the running cases' index, grouped by owner, kept for
    `load_max_age()` seconds. Agents with nothing running are listed too (with zeros)."""
    key = user.pk
    held = _loads.get(key)
    if held is not None and time.monotonic() - held[0] < load_max_age():
        return held[1]
    grouped = (
        _running(visible_complaints(user))
        .values("owner_id")
        .annotate(
            running=Count("pk"),
            overdue=Count("pk", filter=urgency_q(UrgencyFilter.OVERDUE, now)),
            at_risk=Count("pk", filter=urgency_q(UrgencyFilter.AT_RISK, now)),
        )
        .order_by()
    )
    by_owner: dict[int, dict[str, int]] = {
        row["owner_id"]: {"running": row["running"], "overdue": row["overdue"], "at_risk": row["at_risk"]}
        for row in grouped
    }
    nothing = {"running": 0, "overdue": 0, "at_risk": 0}
    cases = reverse("complaints:list")
    loads = [
        AgentLoad(
            pk=person.pk,
            name=person_label(person),
            running=by_owner.get(person.pk, nothing)["running"],
            overdue=by_owner.get(person.pk, nothing)["overdue"],
            at_risk=by_owner.get(person.pk, nothing)["at_risk"],
            running_url=f"{cases}?owner={person.pk}&status=open&sort=due",
            overdue_url=f"{cases}?owner={person.pk}&urgency=overdue&sort=due",
            at_risk_url=f"{cases}?owner={person.pk}&urgency=at_risk&sort=due",
        )
        for person in assignable_users().only("pk", "username", "first_name", "last_name")
    ]
    loads.sort(key=lambda load: (-load.overdue, -load.running, load.name))
    team = TeamLoad(loads, now)
    _loads[key] = (time.monotonic(), team)
    return team


def _running(cases: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return cases.filter(Q(due_at__isnull=False), owner__isnull=False)


def forget_loads() -> None:
    _loads.clear()
