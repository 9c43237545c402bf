"""Turn a period's raw figures into publishable ones: reporters' data noised, decisions exact.

What comes from reporters' data (reports received, response times, deadline compliance) goes
through anonymize.privacy under the period's epsilon, split by fixed weights. The platform's
own decisions (enforcement actions, referrals, incidents it opened and closed, models it
suspended or decommissioned) are published exactly, as the DSA expects of them.
"""

from __future__ import annotations

from decimal import Decimal

from anonymize import privacy
from reporting.aggregate import RawFigures

# Each noised statistic's share of the period's epsilon.
WEIGHTS = {
    "received_by_channel": 2,
    "public_by_category": 1,
    "public_by_actor": 1,
    "public_by_severity": 1,
    "whistleblower_by_group": 1,
    "hours_to_first_response": 1,
    "hours_to_action": 1,
    "deadlines_met": 1,
}
HOUR_BUCKETS = [1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720, 1440, 2160]
MIN_SAMPLE_FOR_MEDIAN = 10
BREAKDOWNS = (
    "received_by_channel",
    "public_by_category",
    "public_by_actor",
    "public_by_severity",
    "whistleblower_by_group",
    "deadlines_met",
)
EXACT = ("incidents", "actions_by_type", "actions_by_ground", "actions_by_decision")


def protect(raw: RawFigures, epsilon) -> tuple[dict, dict[str, Decimal]]:
    """Return (figures, epsilon spent per statistic). The figures are plain JSON-able data."""
    shares = privacy.split(epsilon, WEIGHTS)
    noised: dict = {}
    for name in BREAKDOWNS:
        released = privacy.release_breakdown(getattr(raw, name), shares[name])
        noised[name] = released.as_dict()
    for name in ("hours_to_first_response", "hours_to_action"):
        histogram = getattr(raw, name)
        # The sample size itself is not released; too few values give no median at all.
        median = (
            privacy.private_median_from_histogram(histogram, HOUR_BUCKETS, shares[name])
            if sum(histogram.values()) >= MIN_SAMPLE_FOR_MEDIAN
            else None
        )
        noised[name] = {"median_hours": median, "buckets": HOUR_BUCKETS, "epsilon": str(shares[name])}
    met = noised["deadlines_met"]["cells"]
    handled = met["on time"] + met["late"]
    compliance = round(met["on time"] / handled, 3) if handled >= privacy.DISPLAY_THRESHOLD else None
    figures = {
        "noised": noised,
        "deadline_compliance": compliance,
        "exact": {name: getattr(raw, name) for name in EXACT} | {"referrals": raw.referrals, "models": raw.models},
        "methodology": {
            "epsilon": str(privacy.as_epsilon(epsilon)),
            "epsilon_spent": str(sum(shares.values())),
            "display_threshold": privacy.DISPLAY_THRESHOLD,
            "confidence": privacy.CONFIDENCE,
            "privacy_unit": "one report (with its follow-up messages)",
            "mechanism": "OpenDP discrete Laplace for counts; OpenDP private quantile over fixed buckets "
            "for median times",
            "weights": WEIGHTS,
        },
    }
    return figures, shares
