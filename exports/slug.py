"""AIID's entity ids: npm slugify 1.6.9's `slugify(name, {lower: true})`, in Python.

AIID makes an entity's id with that call (site/gatsby-site/src/utils/entities.js, getEntityId, in
responsible-ai-collaborative/aiid at 638678f2; package-lock.json pins slugify 1.6.9). The character
map is slugify's own: exports/data/slugify-charmap.json is the `charMap` of slugify.js in the npm
registry's slugify-1.6.9.tgz (integrity
sha512-vZ7rfeehZui7wQs438JXBckYLkIIdfHOXsaVEUMyS5fHo1483l1bMdo0EDSWYclY0yZKFOipDy4KHuKs6ssvdg==),
its MIT licence beside it.
tests/e2e/test_slug_conformance.py runs the npm package itself against this port.

The algorithm, as slugify.js runs it: normalise to NFC; map each UTF-16 code unit through the
character map (a mapped value equal to '-' becomes a space); drop what is not an ASCII word character,
JavaScript whitespace or one of $*_+~.()'"!-:@; trim; runs of whitespace become '-'; lower-case.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path

# JavaScript's \s (WhiteSpace and LineTerminator), which is also what String.prototype.trim strips.
# Python's own \s differs: it takes \x1c-\x1f and \x85, and leaves out \ufeff.
JS_SPACE = "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACE_CLASS = "".join(f"\\u{ord(ch):04x}" for ch in JS_SPACE)
# slugify's default `remove`: /[^\w\s$*_+~.()'"!\-:@]+/g, where \w is ASCII only (no `u` flag).
_REMOVE = re.compile(rf"""[^A-Za-z0-9_{_SPACE_CLASS}$*+~.()'"!\-:@]+""")
_SPACES = re.compile(rf"[{_SPACE_CLASS}]+")
CHARMAP_FILE = Path(__file__).with_name("data") / "slugify-charmap.json"


@functools.cache
def charmap() -> dict[str, str]:
    """slugify 1.6.9's character map: a character to the ASCII it is written as."""
    return json.loads(CHARMAP_FILE.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=8192)  # entity names repeat across incidents; the slug is pure
def slugify(name: str) -> str:
    """Return slugify(name, {lower: true}) exactly as npm slugify 1.6.9 returns it."""
    table = charmap()
    out = []
    for ch in unicodedata.normalize("NFC", name):
        # A character outside the Basic Multilingual Plane is two UTF-16 code units in JavaScript,
        # neither in the map and both removed: dropping the code point does the same.
        mapped = table.get(ch, ch)
        if mapped == "-":
            mapped = " "
        out.append(_REMOVE.sub("", mapped))
    slug = "".join(out).strip(JS_SPACE)
    return _SPACES.sub("-", slug).lower()
