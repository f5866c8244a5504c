"""The Friends page shows applicants' quiz results and phone; support alerts in words."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.adapters.orm import Friend, Job, QuizAttempt, SupportAlert
from backend.web.runtime import RUNTIME
from tests.console.conftest import ADMIN, ADMIN_TOKEN, START, Client, login
from tests.console.test_jobs_friends_privacy import APPLICANT, create_job


async def add_friend(client: Client, name: str, status: str, **changes: object) -> int:
    body = APPLICANT | {"name": name, "messenger_id": f"psid-{name}", "status": status}
    body["skills"] = ["internet_wifi", "computer"]
    created = await client.post(
        "/api/v1/friends", json=body, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert created.status == 201, await created.text()
    friend_id: int = (await created.json())["id"]
    if changes:
        async with client.app[RUNTIME].sessions() as session:
            friend = await session.get(Friend, friend_id)
            assert friend is not None
            for key, value in changes.items():
                setattr(friend, key, value)
            await session.commit()
    return friend_id


def quiz(client: Client, right: dict[str, int], asked: int = 5) -> tuple[list[str], list[str]]:
    """Questions from the app's own bank, `right[skill]` of each answered correctly."""
    bank = client.app[RUNTIME].friend_chat.signup.bank
    questions: list[str] = []
    answers: list[str] = []
    for skill, correct in right.items():
        for n, question in enumerate([q for q in bank.values() if q.skill == skill][:asked]):
            questions.append(question.id)
            answers.append(str(question.answer if n < correct else (question.answer + 1) % 2))
    return questions, answers


async def test_applicants_show_quiz_attempts_and_phone_then_reject(client: Client) -> None:
    bernd = await add_friend(client, "Bernd", "applicant", phone="+491711234567")
    vera = await add_friend(client, "Vera", "vetted", phone="+436641234567")
    olga = await add_friend(client, "Olga", "active", online=False)
    finished = START + timedelta(hours=3)
    failed_q, failed_a = quiz(client, {"internet_wifi": 3, "computer": 5})
    passed_q, passed_a = quiz(client, {"internet_wifi": 5, "computer": 4})
    async with client.app[RUNTIME].sessions() as session:
        session.add_all(
            [
                QuizAttempt(
                    friend_id=bernd,
                    questions=failed_q,
                    answers=failed_a,
                    score=8,
                    passed=False,
                    started_at=START,
                    finished_at=finished,
                ),
                # The retry, three answers in: still running.
                QuizAttempt(
                    friend_id=bernd,
                    questions=passed_q,
                    answers=passed_a[:3],
                    score=0,
                    started_at=finished + timedelta(days=1),
                ),
                QuizAttempt(
                    friend_id=vera,
                    questions=passed_q,
                    answers=passed_a,
                    score=9,
                    passed=True,
                    started_at=START,
                    finished_at=finished,
                ),
            ]
        )
        await session.commit()

    csrf = await login(client, ADMIN)
    html = await (await client.get("/console/friends?lang=en")).text()
    bernd_row = html.split(f'id="friend-{bernd}"')[1].split("</tr>")[0]
    assert 'href="tel:+491711234567"' in bernd_row
    assert "Attempt 1:" in bernd_row and "Attempt 2:" in bernd_row
    assert "Internet &amp; Wi-Fi 3/5" in bernd_row
    assert "Computer &amp; laptop 5/5" in bernd_row
    assert "(8/10)" in bernd_row and "failed" in bernd_row and "in progress" in bernd_row
    # Times in the staff's zone: 12:00 UTC on 20 November is 13:00 in Zurich/Berlin/Vienna.
    assert "20.11. 13:00" in bernd_row
    vera_row = html.split(f'id="friend-{vera}"')[1].split("</tr>")[0]
    assert "(9/10)" in vera_row and "passed" in vera_row and "+436641234567" in vera_row
    olga_row = html.split(f'id="friend-{olga}"')[1].split("</tr>")[0]
    assert "offline" in olga_row and "Attempt" not in olga_row
    german = await (await client.get("/console/friends?lang=de")).text()
    assert "Versuch 1:" in german and "nicht bestanden" in german and "läuft noch" in german

    rejected = await client.post(f"/console/friends/{bernd}/reject", data={"csrf": csrf})
    assert rejected.status == 200
    async with client.app[RUNTIME].sessions() as session:
        assert await session.scalar(select(Friend.status).where(Friend.id == bernd)) == "rejected"
    # The API lists the rejected Friend (its status is one the API knows).
    listed = await client.get("/api/v1/friends", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert listed.status == 200
    body = await listed.json()
    rows = body if isinstance(body, list) else body["friends"]
    assert [f["status"] for f in rows if f["id"] == bernd] == ["rejected"]
    # Rejecting twice, or rejecting an active Friend, does not apply.
    again = await client.post(f"/console/friends/{bernd}/reject", data={"csrf": csrf})
    assert again.status == 409
    active = await client.post(f"/console/friends/{olga}/reject", data={"csrf": csrf})
    assert active.status == 409
    # A rejected Friend has left the applicants (their quiz is no longer listed).
    html = await (await client.get("/console/friends")).text()
    assert "Attempt 1:" not in html.split(f'id="friend-{bernd}"')[1].split("</tr>")[0]


async def test_customer_unreachable_alert_in_both_languages(client: Client) -> None:
    job = await create_job(client)
    reference = job["reference"]
    async with client.app[RUNTIME].sessions() as session:
        job_id = await session.scalar(select(Job.id).where(Job.reference == reference))
        session.add_all(
            [
                SupportAlert(
                    kind="customer_unreachable",
                    job_id=job_id,
                    detail={"reference": reference, "attempts": 3},
                ),
                # A Friend's name is user-written: escaped. A missing detail value: a dash.
                SupportAlert(
                    kind="missed_deadline", job_id=job_id, detail={"friend": "<b>Eve</b>"}
                ),
                SupportAlert(kind="handed_back", job_id=job_id, detail={}),
            ]
        )
        await session.commit()
    await login(client)
    english = await (await client.get("/console/jobs?lang=en")).text()
    assert 'data-kind="customer_unreachable"' in english
    assert "The Friend could not reach the customer (3 attempts)" in english
    assert "&lt;b&gt;Eve&lt;/b&gt; did not contact the customer in time" in english
    assert "<b>Eve</b>" not in english
    assert "– handed the job back." in english
    german = await (await client.get("/console/jobs?lang=de")).text()
    assert "Der Friend hat den Kunden 3-mal nicht erreicht" in german
