"""Teams at work: a new ticket routed to its team by the first matching rule, then handed to a free agent of the
team (round robin or fewest open), never past an agent's limit, never to an agent who is away; tickets nobody
could take wait and go to the next agent who comes back or frees up."""

from django.db import connection, transaction
from django.utils import timezone

from tickets.models import OPEN_STATUSES, AgentAvailability, Assignment, Team, Ticket, TicketEvent
from tickets.rules.routing import first_match, next_in_turn
from tickets.rules.tickets import acting_user

WAITING_BATCH = 50  # tickets handed out at once when an agent comes back
OPEN_COUNT_CAP = 200  # "fewest open" without a limit: agents past this many open tickets tie, and take turns


def ticket_route(ticket: Ticket, rules, *, addresses=(), actor=None) -> list[TicketEvent]:
    """Set a new (locked, unsaved) ticket's team from the first matching rule: the history says which."""
    rule = first_match(
        rules, title=ticket.title, category=ticket.category, priority=ticket.priority, addresses=addresses
    )
    if rule is None:
        return []
    ticket.team = rule.team
    return [
        TicketEvent(
            ticket=ticket, actor=acting_user(actor), field=TicketEvent.Field.TEAM, old_value="",
            new_value=f"{rule.team.name} (rule \u201c{rule.name}\u201d)",
        )
    ]  # fmt: skip


def team_choose(ticket: Ticket) -> tuple[int, str] | None:
    """Choose the free agent for an unowned open ticket of a team that assigns automatically: (agent id, how, for
    the history), or None when the team does not assign or nobody is free (the ticket waits); the caller gives the
    ticket to the agent (a new ticket is inserted with its owner: one write).

    Round robin, and any team with a maximum per agent, lock the team's row from here to the caller's commit, so
    concurrent choices come one after another: the turn passes exactly and no agent is pushed past the maximum.
    "Fewest open" without a maximum promises neither, so it takes no lock and writes nothing: concurrent creations
    for the team do not queue (two at the same instant may go to the same least busy agent)."""
    if ticket.team_id is None or ticket.assignee_id is not None or ticket.status not in OPEN_STATUSES:
        return None
    team = Team.objects.get(pk=ticket.team_id)
    if team.assignment == Assignment.OFF:
        return None
    if team.assignment == Assignment.ROUND_ROBIN or team.max_open_per_agent is not None:
        team = Team.objects.select_for_update().get(pk=team.pk)  # read again under the lock
    chosen = _free_agent(team)
    if chosen is None:
        return None
    agent_id, username = chosen
    if team.assignment == Assignment.ROUND_ROBIN:
        Team.objects.filter(pk=team.pk).update(last_assigned=agent_id)
    how = "round robin" if team.assignment == Assignment.ROUND_ROBIN else "fewest open tickets"
    return agent_id, f"{username} ({how})"


def team_assign(ticket: Ticket) -> TicketEvent | None:
    """Hand an existing unowned ticket to its team's free agent (``team_choose``); the history entry, or None."""
    chosen = team_choose(ticket)
    if chosen is None:
        return None
    agent_id, how = chosen
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent_id, updated_at=timezone.now())
    ticket.assignee_id = agent_id
    return TicketEvent.objects.create(ticket=ticket, field=TicketEvent.Field.ASSIGNEE, old_value="", new_value=how)


def _free_agent(team: Team) -> tuple[int, str] | None:
    """(id, username) of a member who is active, staff, not away and under the team's limit, chosen by the
    team's way."""
    members = dict(
        team.members.filter(is_active=True, is_staff=True)
        .exclude(pk__in=AgentAvailability.objects.filter(away=True).values("user"))
        .order_by("pk")
        .values_list("pk", "username")
    )
    limit = team.max_open_per_agent
    if limit is None and team.assignment == Assignment.ROUND_ROBIN:
        free = dict.fromkeys(members, 0)  # nothing to count: whoever's turn it is
    else:
        # Each member's open tickets, counted only as far as the decision needs: to the limit, or (fewest open
        # without one) to OPEN_COUNT_CAP, past which agents count as equally busy. An agent with a backlog of
        # 60,000 costs the same as one with 60, and a creation never counts a team's whole workload.
        loads = _open_counts(list(members), cap=limit if limit is not None else OPEN_COUNT_CAP)
        free = {pk: load for pk, load in loads.items() if limit is None or load[0] < limit}
    if not free:
        return None
    if team.assignment == Assignment.ROUND_ROBIN:
        chosen = next_in_turn(list(free), team.last_assigned_id)
    else:
        # The fewest open; among equals (agents past the cap among them), who was given a ticket least recently.
        chosen = min(free, key=lambda pk: (free[pk][0], free[pk][1] is not None, free[pk][1] or 0, pk))
    return chosen, members[chosen]


def _open_counts(agent_ids: list[int], *, cap: int) -> dict[int, tuple[int, object]]:
    """Each agent's open and in-progress tickets counted to ``cap`` at most (at most ``cap`` entries of the
    (status, assignee) index), and when their newest ticket was created (one entry of the (assignee, created_at)
    index; None without any): {agent id: (count, newest)}, in one statement."""
    if not agent_ids:
        return {}
    table = connection.ops.quote_name(Ticket._meta.db_table)
    assignee, status, created = (
        connection.ops.quote_name(Ticket._meta.get_field(f).column) for f in ("assignee", "status", "created_at")
    )
    one = (
        f"SELECT %s, (SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {assignee} = %s "  # noqa: S608
        f"AND {status} IN ({', '.join(['%s'] * len(OPEN_STATUSES))}) LIMIT {int(cap)}) AS c), "
        f"(SELECT {created} FROM {table} WHERE {assignee} = %s ORDER BY {created} DESC LIMIT 1)"
    )
    params = []
    for agent_id in agent_ids:
        params += [agent_id, agent_id, *OPEN_STATUSES, agent_id]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([one] * len(agent_ids)), params)
        return {agent_id: (count, newest) for agent_id, count, newest in cursor.fetchall()}


def team_assign_waiting(team_ids) -> int:
    """Hand a team's waiting tickets (unowned, open, oldest first) to its free agents until none is free; returns
    how many were assigned. Called when an agent comes back or frees up."""
    assigned = 0
    for team_id in team_ids:
        with transaction.atomic():
            waiting = Ticket.objects.filter(team=team_id, assignee=None, status__in=OPEN_STATUSES).order_by(
                "created_at"
            )
            for ticket in waiting[:WAITING_BATCH]:
                if team_assign(ticket) is None:
                    break
                assigned += 1
    return assigned


def agent_set_away(*, user, away: bool) -> int:
    """The agent's own switch. Back from away: their teams' waiting tickets are handed out; returns how many."""
    with transaction.atomic():
        AgentAvailability.objects.update_or_create(user=user, defaults={"away": away, "changed_at": timezone.now()})
    if away:
        return 0
    return team_assign_waiting(user.teams.exclude(assignment=Assignment.OFF).values_list("pk", flat=True))
