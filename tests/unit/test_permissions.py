"""The permission table, pinned by hand, and templates that ask `can` instead of naming roles."""

import re
from pathlib import Path

import pytest

from core.auth import Role, StaffUser
from core.permissions import GRANTS, Permission, can, roles_for

ROOT = Path(__file__).resolve().parents[2]

# permission: admin triager recipient publisher (written out here, not read from GRANTS)
GRID = """
see_staff_pages                 yes yes yes yes
work_reports                    yes yes yes -
triage_public_reports           yes yes -   -
receive_whistleblower_reports   -   -   yes -
edit_registry                   yes yes -   -
approve_sharing                 -   -   -   yes
see_recipients                  yes -   yes -
grant_access                    -   -   yes -
see_publications                yes -   -   yes
approve_publications            -   -   -   yes
write_report_text               yes -   -   yes
administer                      yes -   -   -
"""
ROLES = (Role.ADMIN, Role.TRIAGER, Role.RECIPIENT, Role.PUBLISHER)
EXPECTED = {
    Permission(name): {role for role, cell in zip(ROLES, cells, strict=True) if cell == "yes"}
    for name, *cells in (line.split() for line in GRID.strip().splitlines())
}


def test_the_grid_covers_every_permission():
    assert set(EXPECTED) == set(Permission)


@pytest.mark.parametrize("permission", list(Permission))
def test_who_holds_each_permission(permission):
    assert set(GRANTS[permission]) == EXPECTED[permission]
    assert {role for role in Role if can(StaffUser(email="x@example.org", role=role.value), permission)} == (
        EXPECTED[permission]
    )
    assert set(roles_for(permission)) == EXPECTED[permission]


def test_nobody_signed_in_can_nothing():
    assert not any(can(None, permission) for permission in Permission)


def test_no_template_names_a_role():
    """Templates ask `can(user, ...)`; showing the signed-in role as text is the only use left."""
    naming = re.compile(r"""\.role\s*(==|!=|in\b)|["'](admin|triager|recipient|publisher)["']""")
    problems = [
        f"{path.relative_to(ROOT)}: {line.strip()[:80]}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for line in path.read_text().splitlines()
        if naming.search(line)
    ]
    assert problems == []
