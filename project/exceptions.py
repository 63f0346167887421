"""One project-wide DRF exception handler: domain errors become 400s, a lost database a 503."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    from tickets.rules.tickets import ticket_version
    from tickets.services import StaleTicket, TooManyWaiting

    if isinstance(exc, TooManyWaiting):
        return Response({"detail": str(exc)}, status=status.HTTP_429_TOO_MANY_REQUESTS)

    if isinstance(exc, StaleTicket):
        response = Response(
            {"detail": "The ticket was changed by someone else since you read it. Reload it and try again."},
            status=status.HTTP_412_PRECONDITION_FAILED,
        )
        response["ETag"] = f'"{ticket_version(exc.current)}"'
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_error_detail(exc))
    elif isinstance(exc, OperationalError | InterfaceError):
        logger.warning("database unavailable: %s", exc.__class__.__name__, exc_info=exc)
        response = Response(
            {"detail": "The service is temporarily unavailable. Please retry shortly."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = "5"
        return response
    elif isinstance(exc, IntegrityError):
        # The validators mirror every database constraint, so this means a bug or a race: say so plainly.
        logger.error("integrity error reached the API", exc_info=exc)
        exc = exceptions.ValidationError({"non_field_errors": ["The change conflicts with the data already stored."]})
    return drf_exception_handler(exc, context)


def _django_error_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in errors for m in m.messages] for field, errors in exc.error_dict.items()}
    return {"non_field_errors": list(exc.messages)}
