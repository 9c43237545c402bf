"""The licences the platform acts on, as data: the identifiers model cards use, and their actionable clauses.

Each licence is keyed by the identifier a Hugging Face model card writes in its `license` field, and mapped
to its SPDX id where the SPDX License List has one (Apache-2.0, MIT; SPDX lists none of the model licences
below, and declined the Open RAIL-M family). A clause is a use restriction or a condition of redistribution
that the licence itself states, so that an action can say which one was broken: `id` is stable and short,
`reference` points into the licence's own text, and `summary` paraphrases it (the licence text governs).

A licence with `vague` set cannot be acted on: the reason is what a takedown request citing it is told.
An operator adds or replaces licences with a TOML file (LICENCE_REGISTRY_FILE; see licences.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.schemas import N_


@dataclass(frozen=True)
class Clause:
    id: str
    reference: str
    summary: str


@dataclass(frozen=True)
class Licence:
    id: str  # the card's `license` identifier, lower case
    name: str  # a licence's own name; marked for translation only where it describes (the family, "other")
    spdx: str | None
    url: str | None
    clauses: tuple[Clause, ...] = ()
    vague: str | None = None  # why it cannot be acted on; None: it can

    @property
    def actionable(self) -> bool:
        return self.vague is None and bool(self.clauses)

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)


def _redistribution(prefix: str, notice: str) -> tuple[Clause, ...]:
    """The redistribution conditions that Apache 2.0 and the licences built on it share."""
    return (
        Clause(f"{prefix}a", f"§{prefix}(a)", N_("Redistributed without giving recipients a copy of the licence.")),
        Clause(f"{prefix}b", f"§{prefix}(b)", N_("Modified files redistributed without notices saying they changed.")),
        Clause(f"{prefix}c", f"§{prefix}(c)", N_("Copyright, patent, trademark or attribution notices removed.")),
        Clause(f"{prefix}d", f"§{prefix}(d)", notice),
    )


APACHE = Licence(
    "apache-2.0",
    "Apache License 2.0",
    "Apache-2.0",
    "https://www.apache.org/licenses/LICENSE-2.0",
    _redistribution("4", N_("Redistributed without the attribution notices of the NOTICE file.")),
)

MIT = Licence(
    "mit",
    "MIT License",
    "MIT",
    "https://opensource.org/license/mit",
    (
        Clause(
            "notice",
            N_("Conditions paragraph"),
            N_("Copies or substantial portions distributed without the copyright and permission notice."),
        ),
    ),
)

OPENRAIL = Licence(
    "openrail",
    N_("Open RAIL (family)"),
    None,
    "https://www.licenses.ai/ai-licenses",
    vague=N_(
        "'openrail' names the family of Open RAIL licences, not one licence. Its members restrict different "
        "uses, so we cannot tell which restriction applies. Cite the specific licence the model is released "
        "under, such as creativeml-openrail-m, and its clause."
    ),
)

# CreativeML Open RAIL-M (22 August 2022): §4 on redistribution, §5 and Attachment A on use.
CREATIVEML = Licence(
    "creativeml-openrail-m",
    "CreativeML Open RAIL-M",
    None,
    "https://huggingface.co/spaces/CompVis/stable-diffusion-license",
    (
        Clause(
            "4a",
            "§4(a)",
            N_("Redistributed without the use restrictions of §5 as an enforceable provision of its own terms."),
        ),
        *_redistribution("4", N_("Redistributed without the licence's copyright and attribution notices."))[1:],
        Clause("A1", N_("Attachment A, restriction 1"), N_("Use that violates applicable law or regulation.")),
        Clause("A2", N_("Attachment A, restriction 2"), N_("Exploiting or harming minors, or trying to.")),
        Clause(
            "A3",
            N_("Attachment A, restriction 3"),
            N_("Generating or spreading verifiably false information in order to harm others."),
        ),
        Clause(
            "A4",
            N_("Attachment A, restriction 4"),
            N_("Generating or spreading personal information that can be used to harm someone."),
        ),
        Clause("A5", N_("Attachment A, restriction 5"), N_("Defaming, disparaging or harassing others.")),
        Clause(
            "A6",
            N_("Attachment A, restriction 6"),
            N_("Fully automated decisions that adversely affect a person's legal rights or obligations."),
        ),
        Clause(
            "A7",
            N_("Attachment A, restriction 7"),
            N_("Discriminating against or harming people based on their social behaviour or personal traits."),
        ),
        Clause(
            "A8",
            N_("Attachment A, restriction 8"),
            N_("Exploiting the vulnerabilities of a group (age, social, physical or mental) to cause harm."),
        ),
        Clause(
            "A9",
            N_("Attachment A, restriction 9"),
            N_("Discriminating against people based on legally protected characteristics."),
        ),
        Clause("A10", N_("Attachment A, restriction 10"), N_("Giving medical advice or interpreting medical results.")),
        Clause(
            "A11",
            N_("Attachment A, restriction 11"),
            N_("Use in justice, law enforcement, immigration or asylum, such as predicting crime."),
        ),
    ),
)


def _llama(identifier: str, name: str, url: str, brand: str) -> Licence:
    """The Llama 2 and Llama 3 community licences share their structure and their Acceptable Use Policy's."""
    return Licence(
        identifier,
        name,
        None,
        url,
        (
            Clause(
                "1.b.i",
                "§1.b.i",
                N_("Redistributed without a copy of the agreement, or without the attribution it requires.")
                if brand == "2"
                else N_(
                    "Redistributed without a copy of the agreement, without 'Built with Meta Llama 3', or as a "
                    "derived model whose name does not begin with 'Llama 3'."
                ),
            ),
            Clause("1.b.iii", "§1.b.iii", N_("The required Notice file left out of a redistributed copy.")),
            Clause("1.b.v", "§1.b.v", N_("The model or its outputs used to improve another large language model.")),
            Clause("2", "§2", N_("Used by a service with over 700 million monthly active users without a licence.")),
            Clause("aup-1", N_("Acceptable Use Policy §1"), N_("Violating the law or others' rights.")),
            Clause("aup-2", N_("Acceptable Use Policy §2"), N_("Activities that risk death or bodily harm.")),
            Clause(
                "aup-3",
                N_("Acceptable Use Policy §3"),
                N_("Deceiving or misleading others: fraud, disinformation, impersonation, spam."),
            ),
            Clause(
                "aup-4",
                N_("Acceptable Use Policy §4"),
                N_("Failing to disclose the known dangers of an AI system to its end users."),
            ),
        ),
    )


LLAMA2 = _llama("llama2", "Llama 2 Community License Agreement", "https://ai.meta.com/llama/license/", "2")
LLAMA3 = _llama("llama3", "Meta Llama 3 Community License Agreement", "https://llama.meta.com/llama3/license/", "3")

# Gemma Terms of Use (21 February 2024) §3, and the Gemma Prohibited Use Policy it incorporates.
GEMMA = Licence(
    "gemma",
    "Gemma Terms of Use",
    None,
    "https://ai.google.dev/gemma/terms",
    (
        Clause(
            "3.1",
            "§3.1",
            N_("Redistributed without the use restrictions, a copy of the terms or the Gemma notice file."),
        ),
        Clause("3.2", "§3.2", N_("Used for a restricted use, or in violation of applicable law.")),
        Clause("pup-1", N_("Prohibited Use Policy §1"), N_("Content infringing others' rights, copyright included.")),
        Clause(
            "pup-2",
            N_("Prohibited Use Policy §2"),
            N_("Dangerous, illegal or malicious activities: child abuse, violence, harassment, spam, malware."),
        ),
        Clause(
            "pup-3",
            N_("Prohibited Use Policy §3"),
            N_("Misinformation, misrepresentation, impersonation without disclosure, or misleading claims."),
        ),
        Clause("pup-4", N_("Prohibited Use Policy §4"), N_("Sexually explicit content, beyond its exceptions.")),
    ),
)

OTHER = Licence(
    "other",
    N_("Other (named in the card)"),
    None,
    None,
    vague=N_(
        "'other' names no licence: it stands for any licence text. We cannot tell what the terms allow until "
        "the licence is identified. Tell us the licence's name or link, or report under our own policy instead."
    ),
)

BUILT_IN: tuple[Licence, ...] = (APACHE, MIT, OPENRAIL, CREATIVEML, LLAMA2, LLAMA3, GEMMA, OTHER)
