"""Greetings people put in front of what they actually say ("Grüezi, min Fernseh gaht nüm").

Pure module (no Rasa imports).
"""

from __future__ import annotations

import re

GREETING = re.compile(
    r"^\s*(hallo|hallöchen|hello|hi|hey|guten\s+(tag|morgen|abend)|grüezi(\s+mitenand)?|gruezi|"
    r"grüessech|grüß\s+gott|grüss\s+gott|gruess\s+gott|servus|moin(\s+moin)?|hoi(\s+zäme)?|salü|"
    r"griaß\s+di|good\s+(morning|afternoon|evening))\b[\s,.!:;-]*",
    re.IGNORECASE,
)


def strip_greeting(text: str) -> str:
    """``text`` without a leading greeting; the first letter of the rest upper-cased."""
    rest = GREETING.sub("", text, count=1).strip()
    if not rest:
        return ""
    return rest[0].upper() + rest[1:] if rest[0].islower() else rest
