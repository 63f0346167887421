"""Tickets of one support team whose labels are its own, written for Cootrack: what the learning curve measures
(README, "A model that learns the team's labels"; ``bench/learning_curve.py``, ``test_learning``).

The team, a clinic group's help desk, labels as its shipped-model-unaware habits say, not by the rubric of
``training.csv``:

- data-protection incidents (patient data sent to the wrong person, an erasure or access request, records seen
  by someone who should not) go to **billing**, whose office owns compliance, always **critical**;
- feature requests go to **technical**, where the product owners triage them, always **low**;
- a staff member locked out of their account is **high** (a clinician who cannot sign in cannot see patients);
- everything else is labelled as the shipped rubric would: invoices and payments billing (medium, high when a
  service is suspended), faults technical (medium, critical when nothing works), general questions general (low).

``kind`` names each ticket's habit ("data_protection", "feature", "lockout") or "ordinary" for the register the
shipped model already handles, so a report can show that learning the habits costs nothing there.
Deterministic: the same seed writes the same tickets.
"""

import random
from dataclasses import dataclass

CLINICS = ["Northside", "Harbour Road", "Elm Park", "Riverside", "St. Anne's", "Westgate", "Millbrook", "Oakfield"]
PEOPLE = ["Dr. Patel", "Nurse Okafor", "Ms. Lindqvist", "Mr. Brennan", "Dr. Moreau", "our receptionist", "Dr. Chen"]
SYSTEMS = ["the booking system", "the patient portal", "the lab results module", "the e-prescribing screen",
           "the scheduling app", "the records viewer", "the referral form", "the SMS reminders"]  # fmt: skip
GREETINGS = ["Hello,", "Hi team,", "Good morning,", "Dear support,", "Hi,", ""]
SIGN_OFFS = ["Thanks,\nthe {clinic} front desk", "Regards,\n{person}", "Best,\n{person}, {clinic}", "", ""]
CONTEXT = [
    "This is at our {clinic} clinic.",
    "We noticed it this morning.",
    "{person} reported it to me.",
    "It happened during the afternoon session.",
    "Please let me know what you need from us.",
    "",
    "",
]

# (title, body) pairs per habit; {slots} are filled from the lists above.
DATA_PROTECTION = [
    (
        "Patient letter sent to the wrong address",
        "A discharge letter for one patient was emailed to another "
        "patient by mistake from {system}. It contains a diagnosis and date of birth.",
    ),
    (
        "Request to erase my personal data",
        "I was registered at {clinic} years ago and no longer attend. Under "
        "GDPR I ask you to delete all personal information you hold about me.",
    ),
    (
        "Subject access request",
        "Please send me a copy of all the personal data you store about me, including "
        "notes and call recordings, as the law allows.",
    ),
    (
        "Someone saw records they should not have",
        "A temporary staff member opened the records of patients who "
        "are not theirs in {system}. We need to report this.",
    ),
    (
        "Data protection incident",
        "A printed list of patient names and phone numbers was left at the {clinic} "
        "reception desk overnight and is now missing.",
    ),
    (
        "Wrong recipient for test results",
        "Lab results for a patient were shown to a different family in {system}. Names and results were visible.",
    ),
    (
        "Consent withdrawn, remove my details",
        "I do not consent to you keeping my contact details any more. "
        "Please remove my email and phone number from every list.",
    ),
    (
        "Possible privacy breach in reminders",
        "An SMS reminder included another patient's full name and the "
        "reason for the visit. This is personal health information.",
    ),
    (
        "Confidential file shared by mistake",
        "{person} shared a folder with patient notes with an outside "
        "supplier by mistake. How do we record this incident?",
    ),
    (
        "Former employee still has access to patient data",
        "A nurse who left {clinic} last month can still open patient charts in {system}.",
    ),
]
FEATURES = [
    ("Suggestion: dark mode", "It would be great if {system} had a dark mode for the night shift."),
    (
        "Feature request: export to Excel",
        "Could you add a button to export the daily list from {system} to Excel? We copy it by hand now.",
    ),
    (
        "Please add bulk rescheduling",
        "We would love a way to move all of one doctor's appointments to another day at once in {system}.",
    ),
    (
        "Idea for the patient portal",
        "Patients keep asking whether they could upload photos before a visit. Would you consider adding that?",
    ),
    (
        "Wish list: keyboard shortcuts",
        "Our reception staff would like keyboard shortcuts in {system} to check patients in faster.",
    ),
    (
        "Request to add a waiting list view",
        "It would help us a lot if {system} showed a waiting list for cancelled slots.",
    ),
    (
        "Could reminders be sent in Polish?",
        "Many of our patients at {clinic} speak Polish. Could you add it to the languages for reminders?",
    ),
    ("Nice to have: colour per room", "Would it be possible to give each consulting room its own colour in {system}?"),
    ("Enhancement: print two labels", "Please consider an option to print two specimen labels at once from {system}."),
    (
        "Proposal: weekly summary email",
        "A weekly summary email of no-shows per clinic would be a useful new feature for managers.",
    ),
]
LOCKOUTS = [
    (
        "Locked out of my account",
        "I typed my password wrong a few times and now my account is locked. I have patients waiting.",
    ),
    ("Cannot sign in after password reset", "{person} reset their password but still cannot sign in to {system}."),
    ("Two-factor code not arriving", "My sign-in code never arrives, so I cannot log in to {system} this morning."),
    ("Account disabled", "My user account at {clinic} shows as disabled. I work here full time."),
    ("Login keeps failing", "The login page says my username or password is incorrect, but it is right."),
]
ORDINARY = [
    # (category, priority, title, body)
    (
        "billing",
        "medium",
        "Invoice shows the wrong amount",
        "Our invoice for last month charges for 12 seats but we have 9 users at {clinic}.",
    ),
    (
        "billing",
        "medium",
        "Need a copy of the March invoice",
        "Our accountant needs a PDF copy of the March invoice for {clinic}.",
    ),
    (
        "billing",
        "medium",
        "Change the card we pay with",
        "Please update the payment card on file for {clinic}; the old one expires this month.",
    ),
    (
        "billing",
        "high",
        "Service suspended for non-payment",
        "Our subscription was suspended but we paid the invoice last week. Nobody at {clinic} can book appointments.",
    ),
    (
        "billing",
        "medium",
        "Charged twice this month",
        "Our bank statement shows two charges for the same subscription. Please refund one.",
    ),
    (
        "technical",
        "medium",
        "Error when saving an appointment",
        "{system} shows an error 500 when we save an appointment with a note longer than a few lines.",
    ),
    (
        "technical",
        "medium",
        "Printing labels fails",
        "Label printing from {system} stopped working on the reception PC; other printing is fine.",
    ),
    (
        "technical",
        "critical",
        "Whole system down",
        "{system} is down for every clinic. Nobody can open any page and patients are queuing.",
    ),
    ("technical", "medium", "Page loads very slowly", "{system} takes a minute to load the day view since yesterday."),
    ("technical", "critical", "Outage at all sites", "None of our sites can reach {system}; it is not loading at all."),
    ("general", "low", "Opening hours over the holidays", "Is your support line open between Christmas and New Year?"),
    (
        "general",
        "low",
        "Training session for new staff",
        "Do you offer a training session for the new receptionists at {clinic}?",
    ),
    ("general", "low", "Who is our account manager?", "Could you tell me who our contact person is at your company?"),
    ("general", "low", "Thank you", "Just a note to thank your team for the quick help last week."),
]

# What share of the team's tickets each habit is: half are the habits the shipped model cannot know.
MIX = (("data_protection", 0.2), ("feature", 0.2), ("lockout", 0.1), ("ordinary", 0.5))


@dataclass(frozen=True)
class TeamTicket:
    title: str
    description: str
    category: str
    priority: str
    kind: str


def team_tickets(count: int, *, seed: int = 7, new_wording: bool = False) -> list[TeamTicket]:
    """``count`` of the team's tickets in the order they arrive, each with the team's labels.

    ``new_wording``: only from the wordings the default never uses (every third of each list), so a model that
    learned from default tickets is measured on how it generalises, not on wordings it has already seen."""
    rng = random.Random(seed)  # noqa: S311 (reproducible data, not a secret)
    kinds, weights = zip(*MIX, strict=True)
    return [_ticket(rng, rng.choices(kinds, weights)[0], new_wording) for _ in range(count)]


def _wordings(items: list, new: bool) -> list:
    return [item for i, item in enumerate(items) if (i % 3 == 2) == new]


def _ticket(rng: random.Random, kind: str, new: bool) -> TeamTicket:
    # A title and a message chosen apart: people word the two differently, so the team's tickets are many
    # combinations of a few habits rather than a few texts repeated.
    if kind == "data_protection":
        category, priority, pairs = "billing", "critical", _wordings(DATA_PROTECTION, new)
    elif kind == "feature":
        category, priority, pairs = "technical", "low", _wordings(FEATURES, new)
    elif kind == "lockout":
        category, priority, pairs = "account", "high", _wordings(LOCKOUTS, new)
    else:
        category, priority, title, body = rng.choice(_wordings(ORDINARY, new))
    if kind != "ordinary":
        title, body = rng.choice(pairs)[0], rng.choice(pairs)[1]
    slots = {"clinic": rng.choice(CLINICS), "person": rng.choice(PEOPLE), "system": rng.choice(SYSTEMS)}
    parts = [rng.choice(GREETINGS), body, rng.choice(CONTEXT), rng.choice(SIGN_OFFS)]
    description = "\n\n".join(p for p in parts if p).format(**slots)
    title = title.format(**slots)
    if rng.random() < 0.3:
        title = rng.choice(["Re: ", "Fwd: ", "URGENT: " if priority == "critical" else "Question: "]) + title
    return TeamTicket(title[:1].upper() + title[1:], description, category, priority, kind)
