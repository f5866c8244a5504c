"""The WhatsApp template registry: backend/whatsapp_templates.yml read, checked against Meta's
rules, and turned into send bodies (`render`) and into the definitions submitted to Meta
(`definitions`).

Checked when loaded, so a broken file stops the service at start rather than at the first
send: every template in every language we serve (product.languages), the parameters a body
uses are exactly the ones declared (each with an example), and Meta's limits: body at most
1024 characters and not starting or ending with a parameter, at most 3 quick replies (ours are
news with at most one decision), button texts at most 25 characters.

Languages: Meta has `de`, `en` (and `en_GB`, `en_US`), `fr`, `it` and `pl` but no Swiss or
Austrian German and no Swiss French or Italian, so a customer writing `de-CH`, `de_AT`, `fr-CH`
or `it_CH` gets the `de`, `fr` or `it` template; a language we have no template for gets `en`
(the one a stranger most likely reads).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from product.languages import LANGUAGES
from whatsapp_platform import outbound

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "whatsapp_templates.yml"
FILE_VARIABLE = "WHATSAPP_TEMPLATES_FILE"
FALLBACK_LANGUAGE = "en"

CATEGORY = "UTILITY"
AUDIENCES = ("customers", "friends")
MAX_BODY = 1024
MAX_QUICK_REPLIES = 3
MAX_BUTTON_TEXT = 25
MAX_EXAMPLE = 200
# Meta: template names are lowercase letters, digits and underscores (at most 512).
_NAME = re.compile(r"[a-z0-9_]{1,512}")
# Named parameters: lowercase letters, digits and underscores, starting with a letter.
_PARAMETER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_PARAMETER_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Meta refuses parameter texts with a line break, a tab or more than four spaces in a row.
_BREAKS = re.compile(r"[\r\n\t]+")
_SPACES = re.compile(r" {5,}")


class TemplateError(ValueError):
    """The registry file, a template name, a language or the values for a send are wrong."""


@dataclass(frozen=True)
class Variant:
    """A template in one language."""

    body: str
    buttons: tuple[str, ...]
    examples: Mapping[str, str]


@dataclass(frozen=True)
class Template:
    name: str
    category: str
    audience: str
    notices: tuple[str, ...]
    parameters: tuple[str, ...]  # in the order the body uses them first
    buttons: tuple[str, ...]
    variants: Mapping[str, Variant]


def meta_language(language: str) -> str:
    """Our language (or locale: "de-CH", "de_AT", "en-GB") → the template language we have:
    `de` for every German, `en` for English and for anything we have no template in."""
    base = language.replace("-", "_").split("_", 1)[0].strip().lower()
    return base if base in LANGUAGES else FALLBACK_LANGUAGE


def clean_parameter(value: str) -> str:
    """A value Meta accepts as a parameter: line breaks and tabs become one space, long runs of
    spaces shrink (Meta refuses both; a customer's text may contain them)."""
    return _SPACES.sub("    ", _BREAKS.sub(" ", value)).strip()


def _used(body: str) -> list[str]:
    names: list[str] = []
    for raw in _PARAMETER.findall(body):
        if raw not in names:
            names.append(raw)
    return names


def _strings(where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TemplateError(f"{where}: expected a list of non-empty texts, got {value!r}")
    return tuple(value)


def _examples(where: str, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TemplateError(f"{where}: expected parameter: example pairs, got {value!r}")
    out: dict[str, str] = {}
    for key, example in value.items():
        if not isinstance(key, str) or not _PARAMETER_NAME.fullmatch(key):
            raise TemplateError(f"{where}: parameter name {key!r} must be lowercase a-z, 0-9, _")
        text = str(example) if isinstance(example, str | int | float) else ""
        if not text.strip() or len(text) > MAX_EXAMPLE or clean_parameter(text) != text:
            raise TemplateError(f"{where}: parameter {key!r} needs a one-line example")
        out[key] = text
    return out


def _variant(where: str, raw: Any, declared: Mapping[str, str], buttons: int) -> Variant:
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}: expected body and buttons")
    body = raw.get("body")
    if not isinstance(body, str) or not body.strip():
        raise TemplateError(f"{where}: the body is missing")
    if len(body) > MAX_BODY:
        raise TemplateError(f"{where}: the body has {len(body)} characters, at most {MAX_BODY}")
    used = _used(body)
    for name in used:
        if not _PARAMETER_NAME.fullmatch(name):
            raise TemplateError(f"{where}: {{{{{name}}}}} is not a named parameter (a-z, 0-9, _)")
    if set(used) != set(declared):
        missing = sorted(set(declared) - set(used))
        unknown = sorted(set(used) - set(declared))
        raise TemplateError(
            f"{where}: the body must use exactly the declared parameters "
            f"(declared but not used: {missing}; used but not declared: {unknown})"
        )
    stripped = body.strip()
    if stripped.startswith("{{") or stripped.endswith("}}"):
        raise TemplateError(f"{where}: Meta refuses a body that starts or ends with a parameter")
    texts = _strings(f"{where} buttons", raw.get("buttons"))
    if len(texts) != buttons:
        raise TemplateError(f"{where}: {len(texts)} button texts for {buttons} buttons")
    for text in texts:
        if len(text) > MAX_BUTTON_TEXT:
            raise TemplateError(
                f"{where}: button {text!r} has {len(text)} characters, at most {MAX_BUTTON_TEXT}"
            )
    if len(set(texts)) != len(texts):
        raise TemplateError(f"{where}: button texts must differ: {list(texts)}")
    examples = {**declared, **_examples(f"{where} examples", raw.get("examples"))}
    if set(examples) != set(declared):
        raise TemplateError(f"{where}: examples for undeclared parameters: {sorted(examples)}")
    return Variant(body, texts, examples)


def _template(name: str, raw: Any) -> Template:
    where = f"template {name!r}"
    if not _NAME.fullmatch(name):
        raise TemplateError(f"{where}: names are lowercase letters, digits and underscores")
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}: expected a mapping")
    if raw.get("category") != CATEGORY:
        raise TemplateError(f"{where}: category must be {CATEGORY} (news, never marketing)")
    audience = raw.get("audience")
    if audience not in AUDIENCES:
        raise TemplateError(f"{where}: audience must be one of {AUDIENCES}, not {audience!r}")
    declared = _examples(f"{where} parameters", raw.get("parameters"))
    buttons = _strings(f"{where} buttons", raw.get("buttons"))
    if len(buttons) > MAX_QUICK_REPLIES:
        raise TemplateError(f"{where}: {len(buttons)} buttons, at most {MAX_QUICK_REPLIES}")
    if len(set(buttons)) != len(buttons):
        raise TemplateError(f"{where}: button ids must differ: {list(buttons)}")
    languages = raw.get("languages")
    if not isinstance(languages, dict):
        raise TemplateError(f"{where}: no languages")
    missing = [language for language in LANGUAGES if language not in languages]
    if missing:
        raise TemplateError(f"{where}: no text in {missing} (every language we serve needs one)")
    unknown = [language for language in languages if language not in LANGUAGES]
    if unknown:
        raise TemplateError(f"{where}: languages {unknown} are not ones we serve ({LANGUAGES})")
    variants = {
        language: _variant(f"{where} ({language})", languages[language], declared, len(buttons))
        for language in LANGUAGES
    }
    order = _used(variants[LANGUAGES[0]].body)
    return Template(
        name=name,
        category=CATEGORY,
        audience=str(audience),
        notices=_strings(f"{where} notices", raw.get("notices")),
        parameters=tuple(order),
        buttons=buttons,
        variants=variants,
    )


class TemplateRegistry:
    """The templates by name, each checked; the notice intents they tell."""

    def __init__(self, templates: Mapping[str, Template], source: str = "") -> None:
        self.templates = dict(templates)
        self.source = source
        self._by_notice: dict[str, Template] = {}
        for template in self.templates.values():
            for notice in template.notices:
                if notice in self._by_notice:
                    raise TemplateError(
                        f"notice {notice} is told by two templates: "
                        f"{self._by_notice[notice].name} and {template.name}"
                    )
                self._by_notice[notice] = template

    @classmethod
    def from_data(cls, data: Any, source: str = "") -> TemplateRegistry:
        where = source or "the WhatsApp templates"
        if not isinstance(data, dict) or not isinstance(data.get("templates"), dict):
            raise TemplateError(f"{where}: expected a top-level `templates:` mapping")
        try:
            templates = {str(k): _template(str(k), v) for k, v in data["templates"].items()}
        except TemplateError as exc:
            raise TemplateError(f"{where}: {exc}") from None
        if not templates:
            raise TemplateError(f"{where}: no templates")
        return cls(templates, source)

    def get(self, name: str) -> Template:
        template = self.templates.get(name)
        if template is None:
            known = ", ".join(sorted(self.templates))
            raise TemplateError(f"unknown WhatsApp template {name!r} (known: {known})")
        return template

    def for_notice(self, intent: str) -> Template | None:
        """The template that tells the notice `intent` (EXTERNAL_…), None when there is none."""
        return self._by_notice.get(intent)

    def render(
        self,
        name: str,
        language: str,
        to: str,
        params: Mapping[str, str],
        payloads: Sequence[str] = (),
    ) -> dict[str, Any]:
        """The Send API body of template `name` to `to` (a wa_id) in the person's `language`,
        with exactly its declared parameters and one payload per quick-reply button."""
        template = self.get(name)
        missing = [p for p in template.parameters if p not in params]
        unknown = sorted(set(params) - set(template.parameters))
        if missing or unknown:
            raise TemplateError(
                f"template {name!r} takes the parameters {list(template.parameters)} "
                f"(missing: {missing}; not used: {unknown})"
            )
        values = {p: clean_parameter(str(params[p])) for p in template.parameters}
        empty = [p for p, value in values.items() if not value]
        if empty:
            raise TemplateError(f"template {name!r}: empty parameters {empty}")
        if len(payloads) != len(template.buttons):
            raise TemplateError(
                f"template {name!r} has {len(template.buttons)} buttons "
                f"({list(template.buttons)}), got {len(payloads)} payloads"
            )
        try:
            return outbound.template(to, name, meta_language(language), values, list(payloads))
        except ValueError as exc:
            raise TemplateError(f"template {name!r}: {exc}") from None

    def definitions(self) -> list[dict[str, Any]]:
        """What to submit to Meta's `POST /{waba_id}/message_templates`, one per language."""
        out: list[dict[str, Any]] = []
        for template in sorted(self.templates.values(), key=lambda t: t.name):
            for language, variant in template.variants.items():
                body: dict[str, Any] = {"type": "BODY", "text": variant.body}
                if template.parameters:
                    body["example"] = {
                        "body_text_named_params": [
                            {"param_name": p, "example": variant.examples[p]}
                            for p in template.parameters
                        ]
                    }
                components: list[dict[str, Any]] = [body]
                if variant.buttons:
                    components.append(
                        {
                            "type": "BUTTONS",
                            "buttons": [
                                {"type": "QUICK_REPLY", "text": t} for t in variant.buttons
                            ],
                        }
                    )
                out.append(
                    {
                        "name": template.name,
                        "language": meta_language(language),
                        "category": template.category,
                        "parameter_format": "NAMED",
                        "components": components,
                    }
                )
        return out


def template_file(env: Mapping[str, str] | None = None) -> Path:
    value = (os.environ if env is None else env).get(FILE_VARIABLE, "").strip()
    return Path(value) if value else DEFAULT_FILE


def load(path: Path | None = None) -> TemplateRegistry:
    """The registry from `path` (default: WHATSAPP_TEMPLATES_FILE, else the file next to the
    backend); TemplateError names the file and what is wrong."""
    path = path or template_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the WhatsApp templates: {exc}") from None
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from None
    return TemplateRegistry.from_data(data, str(path))
