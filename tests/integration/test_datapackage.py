"""datapackage.json: a new publication's CSV files as a Frictionless data package, validated by `frictionless`."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from frictionless import validate
from sqlalchemy import update
from sqlmodel import select

from incidents.models import Report
from reporting import publish as publishing
from reporting.aggregate import Period
from reporting.models import PublicationFile
from reporting.verify import verify
from tests.conftest import FIXED_DAY
from tests.factories.triage import stored_report

pytestmark = pytest.mark.time_machine(FIXED_DAY)
PERIOD = Period.parse("2026Q3")


def published(app, session, n: int = 14):
    ids = [stored_report(app, session).id for _ in range(n)]
    session.execute(update(Report).where(Report.id.in_(ids)).values(created_at=PERIOD.starts_at + timedelta(days=3)))
    session.commit()
    return publishing.publish(app, session, str(PERIOD)).publication


def download(client, tmp_path, names=("datapackage.json", "report.csv")):
    for name in names:
        response = client.get(f"/transparency/{PERIOD}/{name}")
        assert response.status_code == 200, name
        (tmp_path / name).write_bytes(response.data)
    return tmp_path / "datapackage.json"


def test_the_data_package_validates_and_is_hashed_with_the_publication(app, client, session, tmp_path):
    publication = published(app, session)
    descriptor = download(client, tmp_path)
    report = validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    package = json.loads(descriptor.read_text())
    assert package["profile"] == "tabular-data-package" and package["name"] == "transparency-report-2026q3"
    (resource,) = package["resources"]
    csv_bytes = (tmp_path / "report.csv").read_bytes()
    assert resource["path"] == "report.csv" and resource["bytes"] == len(csv_bytes)
    assert resource["hash"] == "sha256:" + hashlib.sha256(csv_bytes).hexdigest()
    fields = [f["name"] for f in resource["schema"]["fields"]]
    assert fields == ["section", "cell", "value", "shown_as", "suppressed", "error_bound_95", "noised"]
    # report.csv at the package's relative path is the same stored file as /transparency/2026Q3.csv.
    assert client.get(f"/transparency/{PERIOD}.csv").data == csv_bytes

    # It is one of the publication's hashed files, so the chain covers it.
    stored = session.exec(
        select(PublicationFile).where(
            PublicationFile.publication_id == publication.id, PublicationFile.name == "datapackage.json"
        )
    ).one()
    assert stored.sha256 == hashlib.sha256(descriptor.read_bytes()).hexdigest()
    assert verify(app, session).ok


def test_the_schema_catches_a_file_that_breaks_it(app, client, session, tmp_path):
    published(app, session)
    descriptor = download(client, tmp_path)
    package = json.loads(descriptor.read_text())
    del package["resources"][0]["hash"], package["resources"][0]["bytes"]  # so the row checks speak
    descriptor.write_text(json.dumps(package))
    rows = (tmp_path / "report.csv").read_bytes().decode().split("\r\n")
    section, cell, value, shown, _suppressed, bound, noised = rows[1].split(",")
    rows[1] = ",".join([section, cell, value, shown, "maybe", "-3", noised])
    (tmp_path / "report.csv").write_bytes("\r\n".join(rows).encode())
    report = validate(str(descriptor))
    assert not report.valid
    kinds = {error[0] for error in report.flatten(["type"])}
    assert kinds == {"type-error", "constraint-error"}


def test_a_quarter_published_before_the_data_package_has_none(client, session):
    # Nothing published: 404, like any file of an unpublished quarter.
    assert client.get(f"/transparency/{PERIOD}/datapackage.json").status_code == 404


def test_the_package_catches_a_changed_csv_by_its_hash(app, client, session, tmp_path):
    published(app, session)
    descriptor = download(client, tmp_path)
    csv_path = tmp_path / "report.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"received_by_channel", b"received_by_channeL", 1))
    report = validate(str(descriptor))
    assert not report.valid
    assert "hash-count" in {error[0] for error in report.flatten(["type"])}
