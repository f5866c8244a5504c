"""`python -m backend whatsapp-templates`: the template definitions to submit to Meta.

Needs no database and no other setting than WHATSAPP_TEMPLATES_FILE (optional), so it runs
anywhere the repository is checked out. Each printed object is one request body for Meta's
`POST /{version}/{whatsapp_business_account_id}/message_templates`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from backend.whatsapp.templates import TemplateError, load

COMMAND = "whatsapp-templates"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        COMMAND, help="print the WhatsApp template definitions to submit to Meta (JSON)"
    )
    parser.add_argument(
        "--file", type=Path, help="the templates file (default: WHATSAPP_TEMPLATES_FILE)"
    )


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        registry = load(args.file)
    except TemplateError as exc:
        print(f"python -m backend {COMMAND}: {exc}", file=err)
        return 2
    json.dump(registry.definitions(), out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 0
