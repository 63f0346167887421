"""The SLA policies in force."""

from tickets.models import SLAPolicy
from tickets.rules.sla import Targets, targets_from


def sla_targets() -> Targets:
    """{priority: (first response target, resolution target)}: the policies managers set (one small query), and
    the defaults for any priority without one."""
    return targets_from({p.priority: (p.first_response_minutes, p.resolution_minutes) for p in SLAPolicy.objects.all()})
