"""What a person may attach at once: at most ATTACHMENTS_MAX files of at most ATTACHMENT_MAX_BYTES each, and at most
ATTACHMENTS_MAX_TOTAL_BYTES together."""

from django.conf import settings


def upload_problems(files: list[tuple[str, int]]) -> list[str]:
    """Why these (name, size) files cannot be attached, in words for the person who chose them; [] when fine."""
    most, largest = settings.ATTACHMENTS_MAX, settings.ATTACHMENT_MAX_BYTES
    problems = [f"Attach at most {most} files at once ({len(files)} chosen)."] if len(files) > most else []
    problems += [
        f"{name} is {size / 1_048_576:.1f} MB; a file may be at most {largest / 1_048_576:.0f} MB."
        for name, size in files
        if size > largest
    ]
    total, budget = sum(size for _, size in files), settings.ATTACHMENTS_MAX_TOTAL_BYTES
    if total > budget:
        problems.append(f"The files come to {total / 1_048_576:.1f} MB; at most {budget / 1_048_576:.0f} MB together.")
    return problems
