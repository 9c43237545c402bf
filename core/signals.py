"""Signals one package sends and another listens to, so neither imports the other."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent by reporting after a transparency report is published (and committed), with app= and period=.
publication_published = _signals.signal("publication-published")
