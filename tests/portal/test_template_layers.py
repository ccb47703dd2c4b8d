"""Templates follow the apps' layers as Python imports do: a lower app's template never loads a
higher app's template tags nor includes or extends a higher app's template. Higher apps reach a
lower app's pages through the panel registry (`complaints.panels`)."""

import re
from pathlib import Path

import pytest
from django.template import engines

ROOT = Path(__file__).resolve().parents[2] / "templates"
# Highest first, as in the import-linter contract in pyproject.toml.
LAYERS = ["insights", "resolutions", "followups", "complaints", "accounts", "outbox"]
RANK = {app: len(LAYERS) - i for i, app in enumerate(LAYERS)}

LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")
REFERENCE = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def library_app(name: str) -> str:
    module = engines["django"].engine.libraries[name]  # type: ignore[attr-defined]
    return module.split(".")[0]


def crossings(template: Path, app: str) -> list[str]:
    text = template.read_text(encoding="utf-8")
    found = []
    for match in LOAD.finditer(text):
        words = match.group(1).split()
        names = words[words.index("from") + 1 :] if "from" in words else words
        for name in names:
            owner = library_app(name)
            if RANK.get(owner, 0) > RANK[app]:
                found.append(f"loads {name!r} of {owner}")
    for match in REFERENCE.finditer(text):
        owner = match.group(1).split("/")[0]
        if RANK.get(owner, 0) > RANK[app]:
            found.append(f"uses {match.group(1)!r} of {owner}")
    return found


def templates_of(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.*"))


@pytest.mark.parametrize("app", LAYERS)
def test_no_template_reaches_into_a_higher_app(app) -> None:
    problems = {str(t.relative_to(ROOT)): crossings(t, app) for t in templates_of(app) if crossings(t, app)}
    assert problems == {}


def test_the_check_catches_a_template_that_loads_a_higher_apps_tags_or_includes_its_template(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.setitem(
        engines["django"].engine.libraries, "followups_panels", "followups.templatetags.panels"
    )
    sneaky = tmp_path / "detail.html"
    sneaky.write_text('{% load money panels followups_panels %}{% include "resolutions/_case_panel.html" %}')

    assert crossings(sneaky, "complaints") == [
        "loads 'followups_panels' of followups",
        "uses 'resolutions/_case_panel.html' of resolutions",
    ]
    assert crossings(sneaky, "resolutions") == []
    assert len(templates_of("complaints")) > 10, "the walk must find the complaints templates"
