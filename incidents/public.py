"""An incident's public summary: the fields that may leave the platform, scrubbed of personal data.

It is made when a publisher approves the incident for sharing and stored with it, so the
publisher sees exactly what exports and the public API will carry, and neither has to run the
scrubber again for every row. An edit withdraws the approval and the stored summary with it.
"""

from __future__ import annotations

from incidents.models import Incident

LIST_FIELDS = ("deployers", "developers", "harmed_parties", "implicated_systems")


def public_summary(incident: Incident) -> dict:
    """Return the incident's shareable fields with personal data replaced by labels."""
    from anonymize.scrub import scrub  # Presidio and spaCy load on first use, not in every web worker

    urls, withheld = [], 0
    for url in incident.source_urls or []:
        # A URL cannot be partly redacted and still work: one that holds personal data stays out.
        if scrub(url) == url:
            urls.append(url)
        else:
            withheld += 1
    return {
        "title": scrub(incident.title),
        "description": scrub(incident.description or ""),
        "occurred_on": incident.occurred_on.isoformat() if incident.occurred_on else None,
        **{name: [scrub(item) for item in (getattr(incident, name) or [])] for name in LIST_FIELDS},
        "source_urls": urls,
        "withheld_urls": withheld,
    }


def summary_of(incident: Incident) -> dict:
    """Return the stored public summary, making it now for an incident approved before summaries were stored."""
    return incident.public_summary or public_summary(incident)
