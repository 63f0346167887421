"""The customer's side: one-time sign-in links to "My tickets" (only a hash of each link is kept)."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class CustomerSignIn(models.Model):
    """A sign-in link sent to ``email``: good once, until ``expires_at``. The token itself is only ever in the
    email; a copy of this table signs nobody in."""

    email = models.EmailField()  # lower-case
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(email=Lower("email")), name="signin_lower")]
        indexes = [models.Index(fields=["expires_at"], name="signin_expires_idx")]  # the sweep of old links

    def __str__(self) -> str:
        return f"Sign-in link for {self.email}"
