"""Pages keep working under the Content-Security-Policy: no template of ours has an inline
script, an event-handler attribute or a style attribute (email bodies are not pages: mail
clients need inline styles and never see the policy)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE_TEMPLATES = [
    path for path in (ROOT / "templates").rglob("*.html") if "email" not in path.relative_to(ROOT).parts
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def test_the_page_templates_are_found() -> None:
    assert len(PAGE_TEMPLATES) > 30


def test_no_page_template_has_inline_script_handlers_or_styles() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {kind}"
        for path in PAGE_TEMPLATES
        for kind, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("on…= handler", EVENT_HANDLER),
            ('style=""', STYLE_ATTRIBUTE),
            ("<style>", STYLE_ELEMENT),
        )
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, found
