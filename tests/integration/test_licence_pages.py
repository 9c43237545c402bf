"""The public list of the licences we act on, one licence's page, and the model page's link to its licence."""

import pytest

from incidents.models import ModelRecord
from wsgi import create_app


def main(response) -> str:
    return response.get_data(as_text=True).split('<main id="main"', 1)[1].split("</main>", 1)[0]


def entry(page: str, licence_id: str) -> str:
    return page.split(f'<section id="licence-{licence_id}"', 1)[1].split("</section>", 1)[0]


def test_the_list_gives_each_licence_its_identifiers_text_and_clauses(client):
    response = client.get("/licences")
    assert response.status_code == 200
    page = main(response)
    apache = entry(page, "apache-2.0")
    assert '<h2 id="licence-apache-2.0-name">Apache License 2.0</h2>' in apache
    assert "<dt>Identifier in model cards</dt><dd><code>apache-2.0</code></dd>" in apache
    assert (
        '<a href="https://spdx.org/licenses/Apache-2.0.html" rel="noopener noreferrer"><code>Apache-2.0</code>'
        in apache
    )
    assert 'href="https://www.apache.org/licenses/LICENSE-2.0"' in apache
    assert (
        '<tr id="clause-apache-2.0-4d">\n    <th scope="row"><code>4d</code></th><td>§4(d)</td>'
        "<td>Redistributed without the attribution notices of the NOTICE file.</td>"
    ) in apache
    assert "<code>MIT</code>" in entry(page, "mit")
    llama = entry(page, "llama2")
    assert "<dt>SPDX identifier</dt><dd>Not on the SPDX License List</dd>" in llama
    assert (
        '<tr id="clause-llama2-aup-3">\n    <th scope="row"><code>aup-3</code></th><td>Acceptable Use Policy §3</td>'
        "<td>Deceiving or misleading others: fraud, disinformation, impersonation, spam.</td>"
    ) in llama
    openrail = entry(page, "openrail")
    assert (
        "<strong>No.</strong> &#39;openrail&#39; names the family of Open RAIL licences, not one licence. Its members "
        "restrict different uses"
    ) in openrail
    assert "<table>" not in openrail and "<table>" not in entry(page, "other")
    assert '<a href="#licence-other">Other (named in the card)</a> (<code>other</code>): we cannot act on it' in page
    # Every licence of the registry, in its order, with nothing loaded from elsewhere.
    assert [s.split('"', 1)[0] for s in page.split('<section id="licence-')[1:]] == [
        "apache-2.0", "mit", "openrail", "creativeml-openrail-m", "llama2", "llama3", "gemma", "other",
    ]  # fmt: skip
    assert "<script" not in response.get_data(as_text=True) and "<img" not in page


def test_the_list_in_spanish(client):
    page = main(client.get("/licences?lang=es"))
    assert "<h1>Licencias sobre las que actuamos</h1>" in page
    assert "<dt>Identificador SPDX</dt><dd>No figura en la lista de licencias SPDX</dd>" in entry(page, "gemma")
    assert "<td>Política de uso aceptable §3</td><td>Engañar o inducir a error" in entry(page, "llama3")
    assert '<h2 id="licence-openrail-name">Open RAIL (familia)</h2>' in page
    assert "«openrail» nombra la familia" in entry(page, "openrail")


def test_one_licence_has_its_own_page(client):
    page = main(client.get("/licences/creativeml-openrail-m"))
    assert '<h1 id="licence-creativeml-openrail-m">CreativeML Open RAIL-M</h1>' in page
    assert '<tr id="clause-creativeml-openrail-m-A2">' in page
    assert "Exploiting or harming minors, or trying to." in page
    assert '<a href="/licences">← Licences we act on</a>' in page
    vague = main(client.get("/licences/other"))
    assert "A request that cites this licence cannot be acted on as a licence violation." in vague
    assert "&#39;other&#39; names no licence" in vague


def test_another_spelling_of_an_identifier_redirects_to_the_registrys(client):
    response = client.get("/licences/Apache-2.0")
    assert (response.status_code, response.headers["Location"]) == (301, "/licences/apache-2.0")


@pytest.mark.parametrize(
    "path", ["/licences/gpl-3.0", "/licences/" + "a" * 101, "/licences/llama2:aup-3", "/licences/%20", "/licences/.."]
)
def test_odd_identifiers_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_the_footer_links_the_list(client):
    assert '<a href="/licences">Licences we act on</a>' in client.get("/models/checklist").get_data(as_text=True)


@pytest.mark.parametrize(
    "licence, expected",
    [
        (
            "Apache-2.0",
            '<dd id="licence"><a href="/licences/apache-2.0">Apache License 2.0</a> (<code>Apache-2.0</code>)</dd>',
        ),
        (
            "openrail",
            '<dd id="licence"><a href="/licences/openrail">Open RAIL (family)</a> (<code>openrail</code>). '
            "We cannot act on this licence as it stands: its terms are too vague.</dd>",
        ),
        (
            "llama3.1",
            '<dd id="licence">llama3.1. We do not act on this licence. '
            '<a href="/licences">The licences we act on</a></dd>',
        ),
        (None, '<dd id="licence">–</dd>'),
    ],
)
def test_the_model_page_links_its_licence_or_says_we_do_not_act_on_it(client, session, licence, expected):
    model = ModelRecord(name="Helpdesk", version="7B", licence=licence)
    session.add(model)
    session.commit()
    assert expected in client.get(f"/models/{model.id}").get_data(as_text=True)


def test_a_licence_the_operator_adds_is_listed_and_its_words_are_escaped(app_config, tmp_path):
    path = tmp_path / "licences.toml"
    path.write_text(
        """
[[licence]]
id = "acme-1.0"
name = "Acme <b>Model</b> Licence"
url = "javascript:alert(1)"
  [[licence.clause]]
  id = "7"
  reference = "§7"
  summary = "No <script>alert(1)</script> uses."
""",
        encoding="utf-8",
    )
    client = create_app(dict(app_config, LICENCE_REGISTRY_FILE=str(path))).test_client()
    page = main(client.get("/licences/acme-1.0"))
    assert '<h1 id="licence-acme-1.0">Acme &lt;b&gt;Model&lt;/b&gt; Licence</h1>' in page
    assert "<td>No &lt;script&gt;alert(1)&lt;/script&gt; uses.</td>" in page
    assert "<dt>SPDX identifier</dt><dd>Not on the SPDX License List</dd>" in page
    assert "<dt>Licence text</dt><dd>javascript:alert(1)</dd>" in page  # only a web address becomes a link
    assert 'href="#licence-acme-1.0"' in main(client.get("/licences"))
