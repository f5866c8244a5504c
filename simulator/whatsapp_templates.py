"""The message templates the fake Graph knows: backend/whatsapp_templates.yml (or the file
WHATSAPP_TEMPLATES_FILE names) when it exists, else none, and then any name is accepted.

Read leniently, since the simulator only needs names, languages, body texts and button
titles to play Meta: a mapping of name → definition, or a list of definitions with `name`
(optionally under a top-level `templates`); per language either a body text or an object with
`body`/`text` and `buttons`. What it cannot read it ignores, so a richer file never breaks it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "backend" / "whatsapp_templates.yml"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


@dataclass(frozen=True)
class Translation:
    body: str = ""
    buttons: tuple[str, ...] = ()  # the quick replies' titles, in order


@dataclass(frozen=True)
class Template:
    name: str
    languages: dict[str, Translation] = field(default_factory=dict)

    def render(self, language: str, parameters: dict[str, str]) -> str:
        """The body as the person reads it, or "" when the file gives no text."""
        body = self.languages.get(language, Translation()).body
        return PLACEHOLDER.sub(lambda m: parameters.get(m.group(1), m.group(0)), body)

    def button_titles(self, language: str) -> tuple[str, ...]:
        return self.languages.get(language, Translation()).buttons


def _titles(raw: Any) -> tuple[str, ...]:
    titles = []
    for button in raw if isinstance(raw, list) else []:
        if isinstance(button, str):
            titles.append(button)
        elif isinstance(button, dict):
            title = button.get("text") or button.get("title")
            if isinstance(title, str):
                titles.append(title)
    return tuple(titles)


# A language written as Meta's code ("de", "en_US"), as opposed to a body text.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")


def _translation(raw: Any) -> Translation:
    if isinstance(raw, str):
        return Translation("" if LANGUAGE_CODE.fullmatch(raw) else raw)
    if isinstance(raw, dict):
        body = raw.get("body") or raw.get("text") or ""
        if isinstance(body, dict):  # {text: …}
            body = body.get("text") or ""
        return Translation(str(body), _titles(raw.get("buttons")))
    return Translation()


def _languages(raw: dict[str, Any]) -> dict[str, Translation]:
    single = raw.get("language") or raw.get("lang")
    if isinstance(single, str):  # one entry per name and language
        return {single: _translation(raw)}
    languages = raw.get("languages") or raw.get("translations") or {}
    if isinstance(languages, dict):
        out: dict[str, Translation] = {}
        for key, value in languages.items():
            # Our language as the key; Meta's code may be the value or its `code`.
            code = value.get("code") if isinstance(value, dict) else value
            translation = _translation(value)
            out[str(key)] = translation
            if isinstance(code, str) and LANGUAGE_CODE.fullmatch(code):
                out[code] = translation
        return out
    if isinstance(languages, list):
        out = {}
        for entry in languages:
            if isinstance(entry, str):
                out[entry] = Translation()
            elif isinstance(entry, dict):
                code = entry.get("code") or entry.get("language")
                if isinstance(code, str):
                    out[code] = _translation(entry)
        return out
    return {}


def parse(data: Any) -> dict[str, Template]:
    if isinstance(data, dict) and "templates" in data:
        data = data["templates"]
    entries: list[tuple[str, Any]] = []
    if isinstance(data, dict):
        entries = [(str(key), value) for key, value in data.items()]
    elif isinstance(data, list):
        entries = [
            (str(item.get("key") or item["name"]), item)
            for item in data
            if isinstance(item, dict) and isinstance(item.get("key") or item.get("name"), str)
        ]
    templates: dict[str, Template] = {}
    for key, value in entries:
        languages = _languages(value) if isinstance(value, dict) else {}
        # Our key, and the name at Meta when the entry gives another: senders use either.
        meta_name = value.get("name") if isinstance(value, dict) else None
        names = {key} | ({meta_name} if isinstance(meta_name, str) and meta_name else set())
        for name in names:
            known = templates.get(name)
            merged = {**known.languages, **languages} if known else languages
            templates[name] = Template(name, merged)
    return templates


def load(path: str = "") -> dict[str, Template] | None:
    """The known templates, or None when there is no file (any name is then accepted)."""
    file = Path(path) if path else DEFAULT_FILE
    if not file.is_file():
        return None
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        log.warning("cannot read %s (%s): accepting any template name", file, exc)
        return None
    templates = parse(data)
    if not templates:
        # A form this reader does not know: better any name than refusing every template.
        log.warning("no templates found in %s: accepting any template name", file)
        return None
    return templates
