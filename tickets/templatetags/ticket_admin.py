"""The ticket admin's template tags; what they do is in tickets/admin/rows.py.

Imported there only when a template uses them: Django loads tag libraries while the admin itself is still being
imported, and tickets.admin imports unfold's admin, which would then be half-initialised.
"""

from django.template import Library

register = Library()


@register.simple_tag
def ticket_list_filter(cl, spec):
    from tickets.admin.rows import ticket_list_filter as draw

    return draw(cl, spec)


@register.tag(name="ticket_result_list")
def ticket_result_list(parser, token):
    from tickets.admin.rows import ticket_result_list as compile_rows

    return compile_rows(parser, token)
