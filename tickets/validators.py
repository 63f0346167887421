"""Text that PostgreSQL cannot store, or that no person typed, is refused before it reaches the database."""

import re

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


# Line breaks (\r \n \x0b \x0c \x1c-\x1e \x85 \u2028 \u2029), tabs and other C0/C1 control characters: none has a
# place in a one-line field such as a title, which becomes an email subject (a header: one line, or the send fails).
_NOT_ONE_LINE = re.compile(r"[\s\x01-\x1f\x7f-\x9f]+")  # NUL is left for the storable-text check to refuse


def one_line(value):
    """Text made one clean line: every run of whitespace or control characters becomes one space, ends trimmed."""
    return _NOT_ONE_LINE.sub(" ", value).strip() if isinstance(value, str) else value
