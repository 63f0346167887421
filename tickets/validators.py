"""Text that PostgreSQL cannot store, or that no person typed, is refused before it reaches the database."""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible


@deconstructible
class StorableTextValidator:
    """Rejects NUL characters and lone UTF-16 surrogates (neither can be stored as UTF-8 text)."""

    message = "Text must not contain NUL characters or invalid Unicode."
    code = "invalid_text"

    def __call__(self, value):
        if value is None:
            return
        if "\x00" in value:
            raise ValidationError("Null characters are not allowed.", code="null_characters_not_allowed")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError(self.message, code=self.code) from exc

    def __eq__(self, other):
        return isinstance(other, StorableTextValidator)


validate_storable_text = StorableTextValidator()
