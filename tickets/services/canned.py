"""Canned responses: the starters a new team gets. Reading and filling them in is in tickets/selectors/canned.py
and tickets/rules/canned.py."""

from django.db import transaction

from tickets.models import CannedResponse

# What `make run`'s demo starts with: the answers a helpdesk gives most, one per category and two moves.
STARTER_CANNED = [
    (
        "Refund on its way",
        "Hello,\n\nThank you for telling us about the charge on ticket #{ticket_id}. We have checked the invoice and "
        "started the refund; it reaches your card within 5 to 10 working days.\n\nBest regards,\n{agent_name}",
        "billing",
        "resolved",
    ),
    (
        "Password reset steps",
        'Hello,\n\nTo reset your password, open the login page, choose "Forgot password" and enter '
        "{submitter_email}. The email can take a few minutes; please check your spam folder too.\n\n"
        "Best regards,\n{agent_name}",
        "account",
        "",
    ),
    (
        "Investigating an error",
        'Hello,\n\nThank you for the report about "{ticket_title}". Our engineers are looking into the error '
        "now; we will write again as soon as we know more.\n\nBest regards,\n{agent_name}",
        "technical",
        "in_progress",
    ),
    (
        "Thanks for the feedback",
        "Hello,\n\nThank you for the suggestion; we have passed it on to the product team.\n\n"
        "Best regards,\n{agent_name}",
        "general",
        "resolved",
    ),
]


@transaction.atomic
def canned_add_starters() -> int:
    """The starter canned responses, when the team has none yet; returns how many were added."""
    if CannedResponse.objects.exists():
        return 0
    responses = [
        CannedResponse(title=title, body=body, category=category, set_status=status)
        for title, body, category, status in STARTER_CANNED
    ]
    for response in responses:
        response.full_clean()
    return len(CannedResponse.objects.bulk_create(responses))
