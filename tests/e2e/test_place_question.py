"""A customer who answers "which place?" by typing the postal code again, through every
process: the bot no longer asks the same question forever. The second time it says how to
answer, the third time it also offers a person, and tapping that hands the conversation to
support staff."""

from __future__ import annotations

from dataclasses import replace

from tests.e2e.conftest import System
from tests.e2e.conversation import Call, Chat, question, quick_replies, scripted, set_profile, text


def _places(call: Call) -> list[str]:
    return [p for p in quick_replies(call) if p.startswith("/inform")]


async def test_typing_1010_again_is_told_how_to_answer_then_offered_a_person(
    system: System,
) -> None:
    # Nothing says Austria or Switzerland (a German greeting, Messenger's "de_DE"), so the
    # bot must ask: an Austrian greeting or locale would decide for Vienna.
    customer = replace(
        scripted("Franz Huber", "e2e-place-repeat"), greeting="Guten Tag", locale="de_DE"
    )
    chat = Chat(system, customer.psid)
    await set_profile(system, customer.psid, "Franz", customer.locale)
    await chat.send_text(customer.greeting, lambda c: question(c) == "category")
    await chat.send_text(customer.description, lambda c: question(c) == "postal_code")

    first = await chat.send_text("1010", lambda c: question(c) == "place")
    asked = [c for c in first if question(c) == "place"][-1]
    assert len(_places(asked)) == 2  # Wien (AT) and Lausanne (CH)
    assert "/human_handoff" not in quick_replies(asked)

    second = await chat.send_text("1010", lambda c: question(c) == "place")
    how = [c for c in second if question(c) == "place"][-1]
    assert "tippen Sie unten auf Ihren Ort" in text(how) and "Wien" in text(how)
    assert _places(how) == _places(asked)
    assert "/human_handoff" not in quick_replies(how)

    third = await chat.send_text("1010", lambda c: "/human_handoff" in quick_replies(c))
    offer = [c for c in third if "/human_handoff" in quick_replies(c)][-1]
    assert _places(offer) == _places(asked)  # the places stay, the person comes last
    assert quick_replies(offer)[-1] == "/human_handoff"

    handed = await chat.send_tap(
        "Mit Mensch sprechen", "/human_handoff", lambda c: "Menschen" in text(c)
    )
    assert any("Ich verbinde Sie mit einem Menschen" in text(c) for c in handed)
