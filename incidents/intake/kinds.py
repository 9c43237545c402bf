"""Report kinds as data: what each kind of report asks, how each answer is checked and where it is stored.

A kind's questions are rows here. The public form draws them, `ReportSchema` loads them (`schema_fields`),
`kind_rules.problems` holds each report to its kind and `kind_rules.complete` fills in what the kind implies.
A choice from a list is a plain column of `report`, so the queue filters on it and the reports count it; an
answer in the reporter's own words is sealed with the rest of the report's content, like its description.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from marshmallow import fields, validate

from core.schemas import N_
from incidents.fields import length
from incidents.models import Category, Severity
from incidents.vocabulary import AbuseType, InformationType, NoticeType, ReporterRole, ReportKind, UseRule


class Widget(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    RADIOS = "radios"
    CHECKBOX = "checkbox"  # one box that must be ticked
    LICENCE = "licence"  # the licences of the registry
    CLAUSE = "clause"  # the registry's clauses, grouped by licence


class Storage(StrEnum):
    COLUMN = "column"  # a plain column of `report`, of the same name: counted and filtered
    SEALED = "sealed"  # sealed with the report's content: the reporter's own words


@dataclass(frozen=True)
class Question:
    """One question of a kind: its form and JSON field (and column or sealed key), its words and its rules."""

    name: str
    label: str
    widget: Widget
    storage: Storage
    missing: str  # what a report without the answer is told
    required: bool = True
    hint: str | None = None
    choices: Mapping[str, str] = field(default_factory=dict)  # value -> words, in the form's order
    max_length: int = 100
    short: str | None = None  # a shorter name, where the label is long, for the list of a form's errors

    def schema_field(self) -> fields.Field:
        """The marshmallow field that loads the answer; whether the kind asks it is `kind_rules`' concern."""
        if self.widget is Widget.CHECKBOX:
            return fields.Boolean(load_default=False)
        checks: list = [length(self.max_length)]
        if self.choices:
            checks.append(validate.OneOf(list(self.choices), error=N_("Choose one of the listed answers.")))
        return fields.String(load_default=None, validate=checks, metadata={"description": self.label})


# The shared questions a kind may leave out; every kind asks the title, the description, the model, the
# evidence, the files, a way to reach the reporter and the consent to share a summary.
OPTIONAL_SHARED = (
    "category",
    "actor",
    "severity",
    "serious_flags",
    "occurred_from",
    "occurred_to",
    "country",
    "affected",
    "steps",
)
WHEN_AND_WHERE = frozenset({"occurred_from", "occurred_to", "country"})
HOW_SERIOUS = frozenset({"severity", "serious_flags"})
# A kind that does not ask how serious it is starts at the lowest level until triage says otherwise, as a
# hub's report does (incidents.partners.hub).
UNASKED_SEVERITY = Severity.HAZARD


@dataclass(frozen=True)
class KindForm:
    kind: ReportKind
    label: str
    summary: str  # what the kind is for, on the kind picker
    heading: str | None = None  # the heading of the kind's own questions
    questions: tuple[Question, ...] = ()
    asks: frozenset[str] = frozenset()  # which of OPTIONAL_SHARED it asks
    category: Category | None = None  # the category it implies; None: asked, or derived from an answer


ABUSE_TYPES = {
    AbuseType.CHILD_SEXUAL_ABUSE: N_("Sexual abuse or exploitation of children"),
    AbuseType.INTIMATE_IMAGERY: N_("Intimate images of someone made or shared without their consent"),
    AbuseType.HARASSMENT: N_("Harassment, bullying or threats"),
    AbuseType.HATE: N_("Hate speech or incitement against a group"),
    AbuseType.VIOLENT_EXTREMISM: N_("Violent extremism or terrorism"),
    AbuseType.FRAUD: N_("Fraud or scams"),
    AbuseType.IMPERSONATION: N_("Impersonating a real person or organisation"),
    AbuseType.SPAM: N_("Spam or manipulation at scale"),
    AbuseType.OTHER: N_("Another kind of abuse"),
}
# The category an abuse report counts under, by its kind of abuse.
ABUSE_CATEGORIES = {
    AbuseType.CHILD_SEXUAL_ABUSE: Category.CHILD_SAFETY,
    AbuseType.INTIMATE_IMAGERY: Category.NCII,
    AbuseType.HARASSMENT: Category.HATE_HARASSMENT,
    AbuseType.HATE: Category.HATE_HARASSMENT,
    AbuseType.VIOLENT_EXTREMISM: Category.VIOLENT_EXTREMISM,
    AbuseType.FRAUD: Category.FRAUD_DECEPTION,
    AbuseType.IMPERSONATION: Category.FRAUD_DECEPTION,
    AbuseType.SPAM: Category.OTHER,
    AbuseType.OTHER: Category.OTHER,
}
INFORMATION_TYPES = {
    InformationType.CONTACT_DETAILS: N_("Contact details: a home address, phone number or e-mail address"),
    InformationType.IDENTITY_DOCUMENTS: N_("Identity numbers or documents"),
    InformationType.LOCATION: N_("Where someone is or goes"),
    InformationType.FINANCIAL: N_("Bank or card details, or other financial information"),
    InformationType.HEALTH: N_("Health information"),
    InformationType.LIKENESS: N_("Pictures, video or the voice of the person"),
    InformationType.CREDENTIALS: N_("Passwords, keys or other credentials"),
    InformationType.OTHER: N_("Other private information"),
}
PERSON_CONCERNED = {
    ReporterRole.SELF: N_("I am the person the information is about"),
    ReporterRole.REPRESENTATIVE: N_("I act for that person (for example as their parent, guardian or lawyer)"),
}
RIGHTS_HOLDER = {
    ReporterRole.SELF: N_("I hold the rights"),
    ReporterRole.REPRESENTATIVE: N_("I act for the rights holder, as their agent (for example their lawyer)"),
}
NOTICE_TYPES = {
    NoticeType.DMCA: N_("Copyright (for example a text, image, music, video or code)"),
    NoticeType.TRADEMARK: N_("Trademark (a name or logo used without permission)"),
    NoticeType.COUNTERFEIT: N_("Counterfeit goods (fake products sold under a brand)"),
    NoticeType.COURT_ORDER: N_("A court order about this model or its output"),
    NoticeType.OTHER: N_("Another right (for example a patent, a design or a trade secret)"),
}
USE_RULES = {
    UseRule.ILLEGAL_ACTIVITY: N_("Using it for illegal activity"),
    UseRule.WEAPONS: N_("Weapons, or chemical, biological, radiological or nuclear harm"),
    UseRule.MALICIOUS_CODE: N_("Malware or attacks on computer systems"),
    UseRule.DECEPTION: N_("Fraud, disinformation or impersonation"),
    UseRule.HARASSMENT: N_("Harassment, hate or threats"),
    UseRule.SEXUAL_CONTENT: N_("Sexual content that our rules do not allow"),
    UseRule.SURVEILLANCE: N_("Tracking, profiling or watching people without their consent"),
    UseRule.AUTOMATED_DECISIONS: N_("Fully automated decisions on people's rights, such as jobs, credit or benefits"),
    UseRule.UNDISCLOSED_AI: N_("Not saying that content is made by AI where that is required"),
    UseRule.OTHER: N_("Another rule"),
}

ABUSE = KindForm(
    ReportKind.ABUSE,
    N_("Abuse"),
    N_("A model made or used to abuse people: sexual abuse, harassment, hate, extremism or fraud."),
    N_("About the abuse"),
    (
        Question(
            "abuse_type",
            N_("What kind of abuse is it?"),
            Widget.RADIOS,
            Storage.COLUMN,
            N_("Choose what kind of abuse it is."),
            choices=ABUSE_TYPES,
        ),
    ),
    asks=HOW_SERIOUS | WHEN_AND_WHERE | {"affected", "steps"},
)

PRIVATE_INFORMATION = KindForm(
    ReportKind.PRIVATE_INFORMATION,
    N_("Private information"),
    N_("A model that reveals private information about someone in a way that puts them at risk."),
    N_("About the information"),
    (
        Question(
            "information_type",
            N_("What kind of information does the model reveal?"),
            Widget.RADIOS,
            Storage.COLUMN,
            N_("Choose what kind of information it is."),
            choices=INFORMATION_TYPES,
        ),
        Question(
            "reporter_role",
            N_("Who are you?"),
            Widget.RADIOS,
            Storage.COLUMN,
            N_("Say whether the information is about you or you act for the person it is about."),
            choices=PERSON_CONCERNED,
        ),
        Question(
            "risk",
            N_("What risk does it pose to the person?"),
            Widget.TEXTAREA,
            Storage.SEALED,
            N_("Say what risk the information poses."),
            hint=N_(
                "For example: it could be used to find, follow, threaten or impersonate them. Please do not "
                "repeat the information itself. Up to 5,000 characters."
            ),
            max_length=5000,
        ),
    ),
    asks=HOW_SERIOUS | WHEN_AND_WHERE,
    category=Category.PRIVACY,
)

INTELLECTUAL_PROPERTY = KindForm(
    ReportKind.INTELLECTUAL_PROPERTY,
    N_("Intellectual property"),
    N_("A model or its output that infringes your copyright, trademark or other right, or a right you act for."),
    N_("The right and who holds it"),
    (
        Question(
            "work",
            N_("Which work or right is infringed?"),
            Widget.TEXTAREA,
            Storage.SEALED,
            N_("Say which work or right is infringed."),
            hint=N_(
                "Name the work (a text, an image, music, code, a brand…) and where the original can be seen, "
                "for example a link to it. Up to 5,000 characters."
            ),
            max_length=5000,
        ),
        Question(
            "rights_holder",
            N_("Who holds the rights?"),
            Widget.TEXT,
            Storage.SEALED,
            N_("Name the rights holder."),
            hint=N_("The person or organisation that owns the right. Up to 300 characters."),
            max_length=300,
        ),
        Question(
            "reporter_role",
            N_("Are you the rights holder?"),
            Widget.RADIOS,
            Storage.COLUMN,
            N_("Say whether you hold the rights or act for the rights holder."),
            choices=RIGHTS_HOLDER,
        ),
        Question(
            "notice_type",
            N_("What kind of right is it?"),
            Widget.RADIOS,
            Storage.COLUMN,
            N_("Choose what kind of right it is."),
            hint=N_("We record notices with the types of the Lumen database of takedown notices."),
            choices=NOTICE_TYPES,
        ),
        Question(
            "good_faith",
            N_(
                "I believe in good faith that the use I report is not authorised by the rights holder, their agent "
                "or the law, and that what this notice says is accurate."
            ),
            Widget.CHECKBOX,
            Storage.COLUMN,
            N_("Confirm this statement to send the notice."),
            short=N_("The good-faith statement"),
        ),
    ),
    category=Category.INTELLECTUAL_PROPERTY,
)

LICENCE_VIOLATION = KindForm(
    ReportKind.LICENCE_VIOLATION,
    N_("A licence violation"),
    N_("A model used or shared against the licence it is released under."),
    N_("The licence"),
    (
        Question(
            "licence",
            N_("Which licence is the model released under?"),
            Widget.LICENCE,
            Storage.COLUMN,
            N_("Choose the licence the model is released under."),
            hint=N_("As its model card names it."),
        ),
        Question(
            "licence_clause",
            N_("Which clause of the licence is broken?"),
            Widget.CLAUSE,
            Storage.COLUMN,
            N_("Choose the clause that is broken."),
            hint=N_("Choose it from the group of the licence you chose above."),
            max_length=121,  # the form sends `licence_id:clause_id` (100 + 1 + 20); the column keeps the clause id
        ),
    ),
    # A licence's use restrictions and its conditions on sharing bind downstream developers and users: of the
    # categories, the closest is the acceptable-use violation. The kind tells the two apart.
    category=Category.ACCEPTABLE_USE,
)

ACCEPTABLE_USE = KindForm(
    ReportKind.ACCEPTABLE_USE,
    N_("An acceptable-use violation"),
    N_("A model used or offered against the rules of our acceptable-use policy."),
    N_("The rule"),
    (
        Question(
            "use_rule",
            N_("Which rule of our acceptable-use policy is broken?"),
            Widget.RADIOS,
            Storage.COLUMN,
            N_("Choose the rule that is broken."),
            choices=USE_RULES,
        ),
        Question(
            "rule_reference",
            N_("The rule's number or words, if you know them"),
            Widget.TEXT,
            Storage.SEALED,
            N_("Say which rule is broken."),
            required=False,
            hint=N_("Up to 300 characters."),
            max_length=300,
        ),
    ),
    asks=HOW_SERIOUS | WHEN_AND_WHERE | {"actor", "steps"},
    category=Category.ACCEPTABLE_USE,
)

GENERAL = KindForm(
    ReportKind.GENERAL,
    N_("An incident or harm"),
    N_("Something a model or AI system did that caused harm, or could."),
    asks=frozenset(OPTIONAL_SHARED),
)

# In the order the kind picker lists them.
KINDS: dict[ReportKind, KindForm] = {
    form.kind: form
    for form in (GENERAL, ABUSE, PRIVATE_INFORMATION, INTELLECTUAL_PROPERTY, LICENCE_VIOLATION, ACCEPTABLE_USE)
}


def _questions_by_name() -> dict[str, Question]:
    """Every question, once per name: a name two kinds share (`reporter_role`) is one field and one column."""
    found: dict[str, Question] = {}
    for form in KINDS.values():
        for question in form.questions:
            found.setdefault(question.name, question)
    return found


QUESTIONS = _questions_by_name()
COLUMN_QUESTIONS = tuple(q.name for q in QUESTIONS.values() if q.storage is Storage.COLUMN)
SEALED_QUESTIONS = tuple(q.name for q in QUESTIONS.values() if q.storage is Storage.SEALED)


def schema_fields() -> dict[str, fields.Field]:
    """The fields of every kind's questions, for the report schema (each new, as marshmallow binds a field)."""
    return {name: question.schema_field() for name, question in QUESTIONS.items()}


def kind_of(value: object) -> ReportKind | None:
    """The kind a form or a link names, or None for anything else."""
    try:
        return ReportKind(value) if isinstance(value, str) else None
    except ValueError:
        return None
