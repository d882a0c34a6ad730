"""`coopgraph new`: the scaffold documents every field of the model and checks once filled in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from coopgraph.cli import main
from coopgraph.curate import model as m
from coopgraph.curate.checker import curate
from coopgraph.curate.scaffold import REGISTRY_OF, scaffold
from coopgraph.errors import CoopgraphError

DAY = dt.date(2026, 1, 2)


def _aliases(model: type[m.Record]) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items()}


def test_agreement_scaffold_documents_every_field_and_has_the_schema_line(tiny_copy: Path) -> None:
    files = scaffold("agreement", "x-y-2026", tiny_copy, today=DAY)
    text = files[tiny_copy / "agreements" / "x-y-2026.yaml"].decode()
    assert text.startswith("# yaml-language-server: $schema=../../schema/agreement.schema.json\n")
    written = set(re.findall(r"^[#\s-]*([a-z][a-z-]*):", text, re.M))
    for model in (m.Agreement, m.Signing, m.Signatory, m.Area, m.StatusChange, m.Renewal):
        assert _aliases(model) <= written, (model.__name__, _aliases(model) - written)
    assert "one of: memorandum-of-understanding | memorandum-of-cooperation" in text
    stub = files[tiny_copy / "sources.yaml"].decode()
    assert "- id: x-y-2026-source" in stub and "2026-01-02" in stub


def test_a_scaffold_fails_check_until_filled_then_passes(tiny_copy: Path) -> None:
    for path, content in scaffold("agreement", "x-y-2026", tiny_copy, today=DAY).items():
        path.write_bytes(content)
    with pytest.raises(CoopgraphError) as caught:
        curate(tiny_copy)
    assert any("REPLACE" in p.message for p in caught.value.problems)
    agreement = tiny_copy / "agreements" / "x-y-2026.yaml"
    parties = list(curate_parties(tiny_copy))
    agreement.write_text(
        agreement.read_text()
        .replace("kind: REPLACE", "kind: memorandum-of-understanding")
        .replace("title: {en: REPLACE}", "title: {en: A title}")
        .replace("parties: [REPLACE]", f"parties: [{parties[0]}, {parties[1]}]")
    )
    sources = tiny_copy / "sources.yaml"
    sources.write_text(sources.read_text().replace("url: REPLACE", "url: https://example.org/x"))
    assert "x-y-2026" in curate(tiny_copy).agreements


def curate_parties(data: Path) -> list[str]:
    import yaml

    return [a["id"] for a in yaml.safe_load((data / "actors.yaml").read_text()) if a["kind"] != "country"][:2]


@pytest.mark.parametrize("kind", sorted(REGISTRY_OF))
def test_registry_scaffolds_cover_their_model(tiny_copy: Path, kind: str) -> None:
    files = scaffold(kind, "brand-new", tiny_copy, today=DAY)
    registry = tiny_copy / f"{REGISTRY_OF[kind]}.yaml"
    text = files[registry].decode()
    entry = text[text.index(f"# {kind} brand-new") :]
    written = set(re.findall(r"^[#\s-]*([a-z][a-z-]*):", entry, re.M))
    assert _aliases(m.REGISTRIES[f"{REGISTRY_OF[kind]}.yaml"]) <= written
    assert re.search(r"^- id: brand-new ", entry, re.M)


def test_new_refuses_an_existing_id_naming_its_line(tiny_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = next(iter(curate(tiny_copy).people))
    assert main(["new", "person", existing, "--data", str(tiny_copy)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"people\.yaml:\d+: id '.*' is already defined here", err)
    assert main(["new", "gadget", "x", "--data", str(tiny_copy)]) == 1
    assert "unknown kind 'gadget'" in capsys.readouterr().err


def test_new_cli_writes_the_files(tiny_copy: Path) -> None:
    assert main(["new", "meeting", "some-meeting-2026", "--data", str(tiny_copy)]) == 0
    assert "- id: some-meeting-2026 " in (tiny_copy / "meetings.yaml").read_text()
    assert "- id: some-meeting-2026-source " in (tiny_copy / "sources.yaml").read_text()
