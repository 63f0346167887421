"""Email-style training examples written for Cootrack: the substance of each ticket (email_cores.csv, written by
the project's developers) put into the shapes real support email has (greetings, signatures, disclaimers, "Re:"
subjects, quoted replies). A script, not part of the application: run it to regenerate the `cootrack-email` rows
of training.csv:

    python tickets/classifier/data/make_email_rows.py > /tmp/email.csv

The output is deterministic (fixed seed)."""

import csv
import random
import sys
from pathlib import Path

# (title, body, category, priority): the substance of each email, one a row.
CORES_FILE = Path(__file__).with_name("email_cores.csv")


def cores() -> list[tuple[str, str, str, str]]:
    with CORES_FILE.open(newline="", encoding="utf-8") as f:
        return [(r["title"], r["body"], r["category"], r["priority"]) for r in csv.DictReader(f)]


rng = random.Random(17)
GREETINGS = [
    "Dear Customer Support Team,",
    "Hello,",
    "Hi support team,",
    "Good morning,",
    "Dear Sir or Madam,",
    "Hello Support,",
    "Hi,",
    "Dear support,",
    "",
]
OPENERS = [
    "I hope this message finds you well.",
    "I am writing to you regarding the following matter.",
    "I am reaching out about an issue with our account.",
    "",
    "",
    "Thank you for your help in advance.",
    "I am contacting you on behalf of our team.",
]
CLOSINGS = [
    "Thank you for your assistance.",
    "Looking forward to your reply.",
    "Thanks in advance for your help.",
    "I appreciate your prompt attention to this matter.",
    "Please let me know if you need more information.",
    "",
]
SIGNOFFS = ["Best regards,", "Kind regards,", "Regards,", "Many thanks,", "Sincerely,", "Cheers,", "Thanks,"]
NAMES = [
    "Maria Lopez",
    "Daniel Fischer",
    "Aisha Khan",
    "Tom Becker",
    "Sofia Rossi",
    "Liam O'Connor",
    "Yuki Tanaka",
    "Nadia Haddad",
    "Peter Novak",
    "Emma Laurent",
    "Carlos Mendes",
    "Hannah Schulz",
]
ROLES = [
    "Finance Manager",
    "IT Administrator",
    "Office Manager",
    "Head of Operations",
    "Project Lead",
    "Practice Manager",
    "CTO",
    "Accountant",
    "",
]
COMPANIES = [
    "Northwind Clinics",
    "Bluebird Analytics",
    "Harbor Logistics",
    "Greenfield Bank",
    "Atlas Media",
    "Summit Health",
    "Orchid Retail",
    "Pioneer Labs",
]


def signature():
    name, role, company = rng.choice(NAMES), rng.choice(ROLES), rng.choice(COMPANIES)
    lines = [rng.choice(SIGNOFFS), name]
    if role:
        lines.append(f"{role}, {company}")
    if rng.random() < 0.3:
        lines.append(f"Tel. +49 30 {rng.randint(1000000, 9999999)}")
    if rng.random() < 0.2:
        lines += ["--", "This email and any attachments are confidential and intended only for the addressee."]
    return "\n".join(lines)


def quoted(title):
    day = rng.choice(["Mon, 3 Mar 2025", "Tue, 11 Feb 2025", "Wed, 7 May 2025", "Fri, 20 Jun 2025"])
    return (
        f"On {day} at 09:{rng.randint(10, 59)}, Support <support@example.com> wrote:\n"
        f'> Thank you for contacting us about "{title}". We have opened ticket #{rng.randint(10000, 99999)}\n'
        "> and will get back to you shortly."
    )


def email(title, body, variant):
    parts = []
    greeting = rng.choice(GREETINGS)
    if greeting:
        parts.append(greeting)
    opener = rng.choice(OPENERS)
    paragraph = (opener + " " if opener and variant == 0 else "") + body
    parts.append(paragraph)
    closing = rng.choice(CLOSINGS)
    if closing:
        parts.append(closing)
    parts.append(signature())
    if variant == 1 and rng.random() < 0.6:
        parts.append(quoted(title))
    text = "\n\n".join(parts)
    subject = title if variant == 0 else rng.choice(["Re: ", "RE: ", "Fwd: ", ""]) + title
    return subject, text


def rows():
    for title, body, category, priority in cores():
        for variant in (0, 1):
            subject, text = email(title, body, variant)
            yield [subject, text, category, priority, "cootrack-email"]


if __name__ == "__main__":
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["title", "description", "category", "priority", "source"])
    writer.writerows(rows())
