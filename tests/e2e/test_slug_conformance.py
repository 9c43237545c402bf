"""exports.slug against npm slugify 1.6.9 itself, the version AIID's package-lock.json pins.

The package comes from the npm registry (CI installs it with the other e2e tools); Node runs it on
the same names as the Python port, and the two must agree on every one.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

from exports.slug import JS_SPACE, charmap, slugify
from tests.e2e.conftest import skip_or_fail

PACKAGE = Path(__file__).parent / "node_modules" / "slugify"
RUNNER = """
const slugify = require(process.argv[1]);
const names = JSON.parse(require('fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(names.map((name) => slugify(name, {lower: true}))));
"""
CHARMAP = r"""
const src = require('fs').readFileSync(process.argv[1], 'utf8');
const literal = src.match(/var charMap = JSON\.parse\(('(?:[^'\\]|\\.)*')\)/)[1];
process.stdout.write(JSON.stringify(JSON.parse(eval(literal))));
"""


def node(script: str, *args: str, stdin: str = "") -> str:
    if shutil.which("node") is None:
        skip_or_fail("node is not installed")
    if not (PACKAGE / "package.json").exists():
        skip_or_fail(f"slugify is not installed at {PACKAGE}: run npm install --no-package-lock --prefix tests/e2e")
    done = subprocess.run(["node", "-e", script, *args], input=stdin, capture_output=True, text=True, check=True)
    return done.stdout


def names(seed: int, count: int) -> list[str]:
    """Random names drawn from every mapped character, ASCII, JavaScript's spaces, and other scripts."""
    rng = random.Random(seed)
    alphabet = (
        list(charmap())
        + list("abcXYZ019 _-.,'\"!?:;@$*+~()[]{}/\\&%#")
        + list(JS_SPACE)
        + list("\x1c\x1f\x85\u200b")
        + list("北京한국語ﬁǅⅫ\u0301\u0308😀🇪🇺")
    )
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(count)]


def test_the_character_map_is_the_packages_own():
    assert json.loads(node(CHARMAP, str(PACKAGE / "slugify.js"))) == charmap()
    assert json.loads((PACKAGE / "package.json").read_text())["version"] == "1.6.9"


def test_the_port_agrees_with_npm_slugify_on_random_names():
    corpus = names(14, 5000)
    expected = json.loads(node(RUNNER, str(PACKAGE), stdin=json.dumps(corpus)))
    disagreements = [(name, want, slugify(name)) for name, want in zip(corpus, expected, strict=True)]
    disagreements = [d for d in disagreements if d[1] != d[2]]
    assert disagreements == []
