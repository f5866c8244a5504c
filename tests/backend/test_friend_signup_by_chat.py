"""Becoming a Friend by chat: sign-up, the vetting quiz, waiting for activation."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from backend.adapters.config_files import load_bank
from backend.adapters.orm import Friend, FriendConversation, QuizAttempt
from backend.config import Settings
from product.countries import COUNTRY_CODES
from product.languages import LANGUAGES
from simulator.fake_graph import FakeGraph
from tests.backend.clock import MovableClock, backend, clocked
from tests.backend.conftest import admin_headers
from tests.backend.friend_chat_helpers import Phone, chips_of, last_text, rows
from tests.backend.helpers import add_friend, create_job, text_of, wait_for

Graph = tuple[FakeGraph, str]
BANK = load_bank()


def question_id(call_chips: list[str]) -> str:
    """The question a quiz message asks, from its chips (QUIZ:<id>:<option>)."""
    return call_chips[0].split(":")[1]


async def test_sign_up_to_vetted_by_chat_surviving_a_restart(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    config = clocked(settings, clock)
    async with backend(config) as client:
        phone = Phone(client, graph, "new-friend")
        welcome = await phone.say("Hallo")
        assert "Willkommen" in last_text(welcome)
        assert chips_of(welcome[0]) == [f"SIGNUP_LANG:{code}" for code in LANGUAGES]
        assert "Vor- und Nachnamen" in last_text(await phone.chip("SIGNUP_LANG:de", "Deutsch"))
        assert "Namen" in last_text(await phone.say("12345"))  # re-asked politely
        assert "Postleitzahl" in last_text(await phone.say("Berta Beispiel"))
        assert "kennen wir nicht" in last_text(await phone.say("99999"))
        radius = await phone.say("PLZ 10115")
        assert "10115 Berlin" in last_text(radius)
        assert "RADIUS:15" in chips_of(radius[0])
    # The backend restarts in the middle of the sign-up: the next answer carries on.
    async with backend(config) as client:
        phone = Phone(client, graph, "new-friend")
        skills = await phone.chip("RADIUS:15", "15 km")
        assert "Wobei können Sie helfen" in last_text(skills)
        assert "SKILLS_DONE" not in chips_of(skills[0])  # nothing chosen yet
        assert "mindestens ein Gebiet" in last_text(await phone.say("fertig"))
        chosen = await phone.chip("SKILL:computer", "Computer & Laptop")
        assert chips_of(chosen[0])[0] == "SKILLS_DONE"
        assert "Computer & Laptop, Drucker & Scanner" in last_text(await phone.say("Drucker"))
        assert "Sprachen" in last_text(await phone.say("fertig"))
        assert "Telefonnummer" in last_text(await phone.chip("LANGS:de,en", "Beides"))
        assert "0171 1234567" in last_text(await phone.say("meine Nummer"))
        consent = await phone.say("0171 2345678")
        assert "Bedingungen" in last_text(consent) and "20 %" in last_text(consent)
        assert "Bitte tippen Sie" in last_text(await phone.say("vielleicht"))
        quiz = await phone.chip("CONSENT:yes", "Ich stimme zu", expect=2)
        assert "10 Fragen" in text_of(quiz[0]) and "4 von 5" in text_of(quiz[0])
        assert "Frage 1 von 10" in text_of(quiz[1])

        [friend] = await rows(settings.database_url, Friend, messenger_id="new-friend")
        assert friend.status == "applicant" and friend.phone == "+491712345678"
        assert friend.postal_code == "10115" and friend.radius_km == 15
        assert friend.skills == ["computer", "printer"] and friend.languages == ["de", "en"]

        # One wrong answer of ten (4 of 5 in one skill still passes); typed letters work too.
        call = quiz[1]
        for number in range(10):
            question = BANK[question_id(chips_of(call))]
            choice = question.answer if number else (question.answer + 1) % 3
            if number % 2:
                replies = await phone.say("ABC"[choice] + ")")
            else:
                replies = await phone.chip(f"QUIZ:{question.id}:{choice}", "ABC"[choice])
            call = replies[-1]
        assert "9 von 10 richtig – bestanden" in text_of(call)

        [friend] = await rows(settings.database_url, Friend, messenger_id="new-friend")
        assert friend.status == "vetted"
        [attempt] = await rows(settings.database_url, QuizAttempt, friend_id=friend.id)
        assert attempt.passed and attempt.score == 9 and len(attempt.answers) == 10
        [conversation] = await rows(settings.database_url, FriendConversation, psid="new-friend")
        assert "consented_at" in conversation.data

        # Vetted is not active: no offers, and a message hears that support will activate.
        await add_friend(client, messenger_id="friend-active", skills=["computer"])
        await create_job(client, category="computer")
        # The wave is out (to the active Friend) before the vetted one asks anything.
        await wait_for(
            graph, lambda c: c.recipient == "friend-active" and "Neuer Auftrag" in text_of(c)
        )
        assert "prüft Ihre Unterlagen" in last_text(await phone.say("Hallo?"))
        assert not [
            c for c in graph.calls() if c.recipient == "new-friend" and "Neuer" in text_of(c)
        ]

        # Support activates (the console uses the same status change): the Friend works now.
        response = await client.patch(
            f"/api/v1/friends/{friend.id}", json={"status": "active"}, headers=admin_headers()
        )
        assert response.status == 200
        greeting = await phone.say("Hallo")
        assert "Sie sind online" in text_of(greeting[0]) and "1 offene Aufträge" in text_of(
            greeting[0]
        )


async def test_a_friend_signs_up_and_passes_the_quiz_in_french(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    async with backend(clocked(settings, MovableClock())) as client:
        phone = Phone(client, graph, "ami-geneve")
        await phone.say("Bonjour")
        assert "prénom et votre nom" in last_text(await phone.chip("SIGNUP_LANG:fr", "Français"))
        assert "code postal" in last_text(await phone.say("Émilie de la Fontaine"))
        radius = await phone.say("1201")
        assert "1201 Genève" in last_text(radius) or "1201 Genf" in last_text(radius)
        assert "Dans quels domaines" in last_text(await phone.chip("RADIUS:15", "15 km"))
        chosen = await phone.chip("SKILL:computer", "Ordinateur")
        assert "Choisi" in last_text(chosen)
        assert "Dans quelles langues" in last_text(await phone.chip("SKILLS_DONE", "Terminé"))
        assert "numéro de téléphone" in last_text(await phone.chip("LANGS:fr,de", "Français"))
        consent = await phone.say("+41 79 123 45 67")
        assert "conditions pour les Friends" in last_text(consent)
        quiz = await phone.chip("CONSENT:yes", "J'accepte", expect=2)
        assert "5 questions" in text_of(quiz[0]) and "4 bonnes réponses sur 5" in text_of(quiz[0])
        assert "Question 1 sur 5" in text_of(quiz[1])

        # Typed the way a French speaker would: "réponse B", "c'est la C", or a tap.
        call = quiz[1]
        for number in range(5):
            question = BANK[question_id(chips_of(call))]
            assert question.prompt("fr")[0] in text_of(call)
            letter = "ABC"[question.answer]
            if number == 0:
                replies = await phone.say(f"réponse {letter.lower()}")
            elif number == 1:
                replies = await phone.say(f"C'est la {letter}")
            else:
                replies = await phone.chip(f"QUIZ:{question.id}:{question.answer}", letter)
            call = replies[-1]
        assert "5 sur 5 justes – c'est réussi" in text_of(call)

        [friend] = await rows(settings.database_url, Friend, messenger_id="ami-geneve")
        assert friend.status == "vetted" and friend.skills == ["computer"]
        [conversation] = await rows(settings.database_url, FriendConversation, psid="ami-geneve")
        assert conversation.language == "fr"
        assert "vérifie vos documents" in last_text(await phone.say("Bonjour ?"))


async def test_failing_the_quiz_allows_one_retry_after_24_hours(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        # An applicant added by support (English) is taken into the quiz when they write.
        await add_friend(
            client,
            check_in=False,
            messenger_id="applicant-en",
            status="applicant",
            skills=["printer"],
            languages=["en"],
        )
        phone = Phone(client, graph, "applicant-en")
        quiz = await phone.say("hi", expect=2)
        assert "5 questions" in text_of(quiz[0]) and "Question 1 of 5" in text_of(quiz[1])
        first_questions = []
        call = quiz[1]
        for number in range(5):
            question = BANK[question_id(chips_of(call))]
            first_questions.append(question.id)
            assert question.skill == "printer"
            if number == 1:  # an answer that is no option is asked again
                again = await phone.say("D", expect=2)
                assert "A, B or C" in text_of(again[0])
            choice = question.answer if number < 3 else (question.answer + 1) % 3
            call = (await phone.chip(f"QUIZ:{question.id}:{choice}"))[-1]
        assert "3 of 5 right – not passed" in text_of(call)

        clock.advance(hours=23)
        assert "second try is possible" in last_text(await phone.say("can I try again?"))
        clock.advance(hours=1)
        retry = await phone.say("let's go")
        assert "Question 1 of 5" in last_text(retry)
        call = retry[-1]
        for _ in range(5):
            question = BANK[question_id(chips_of(call))]
            call = (await phone.chip(f"QUIZ:{question.id}:{question.answer}"))[-1]
        assert "5 of 5 right – you passed" in text_of(call)

        [friend] = await rows(settings.database_url, Friend, messenger_id="applicant-en")
        assert friend.status == "vetted"
        attempts = sorted(
            await rows(settings.database_url, QuizAttempt, friend_id=friend.id), key=lambda a: a.id
        )
        assert [(a.score, a.passed) for a in attempts] == [(3, False), (5, True)]
        assert attempts[0].questions == first_questions
        assert attempts[1].started_at - attempts[0].finished_at >= timedelta(hours=24)


async def test_a_second_failure_ends_the_quiz(settings: Settings, fake_graph: Graph) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        await add_friend(
            client, check_in=False, messenger_id="applicant", status="applicant", skills=["other"]
        )
        phone = Phone(client, graph, "applicant")
        call = (await phone.say("Hallo", expect=2))[-1]
        for attempt in range(2):
            for _ in range(5):
                question = BANK[question_id(chips_of(call))]
                wrong = (question.answer + 1) % 3
                call = (await phone.chip(f"QUIZ:{question.id}:{wrong}"))[-1]
            if attempt == 0:
                clock.advance(hours=24, minutes=1)
                call = (await phone.say("Nochmal bitte"))[-1]
        assert "auch im zweiten Versuch nicht bestanden" in text_of(call)
        assert "nicht bestanden" in last_text(await phone.say("Und jetzt?"))
        [friend] = await rows(settings.database_url, Friend, messenger_id="applicant")
        assert friend.status == "applicant"
        assert len(await rows(settings.database_url, QuizAttempt, friend_id=friend.id)) == 2


async def test_a_german_friends_code_of_several_countries_is_not_asked_and_english_is(
    settings: Settings, fake_graph: Graph
) -> None:
    # Every country served: "20144" is Hamburg, Zonza, Milano and Lublin ("20-144").
    graph, _ = fake_graph
    config = dataclasses.replace(settings, service_countries=COUNTRY_CODES)
    async with backend(config) as client:
        phone = Phone(client, graph, "friend-hamburg")
        await phone.say("Hallo")
        await phone.chip("SIGNUP_LANG:de", "Deutsch")
        await phone.say("Hanna Hansen")
        radius = await phone.say("20144")
        assert "20144 Hamburg" in last_text(radius)
        assert "RADIUS:15" in chips_of(radius[0])

        phone = Phone(client, graph, "friend-somewhere")
        await phone.say("Hello")
        await phone.chip("SIGNUP_LANG:en", "English")
        await phone.say("Sam Smith")
        which = await phone.say("20144")
        # Not Lublin's "20-144": Poles write the dash.
        assert sorted(chips_of(which[0])) == [f"COUNTRY:{c}" for c in ("DE", "FR", "IT")]
    # Only the default countries served: Hamburg without a question, in English too.
    async with backend(settings) as client:
        phone = Phone(client, graph, "friend-default")
        await phone.say("Hello")
        await phone.chip("SIGNUP_LANG:en", "English")
        await phone.say("Sam Smith")
        assert "20144 Hamburg" in last_text(await phone.say("20144"))
