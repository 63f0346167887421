"""The staff workspace: a themed (unfold) Django admin. One module per topic; importing the package registers them."""

from tickets.admin import audit, canned, imports, learning, mail, sla, tags, teams, tickets, users, views  # noqa: F401
