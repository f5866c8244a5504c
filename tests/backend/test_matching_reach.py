"""Matching follows every change to a Friend at once; on SQLite through the friend_reach R*Tree
(migration 0011), which triggers on friends keep in step, whichever way a row changes."""

from __future__ import annotations

import asyncio
import math
import random
from typing import Any

import pytest
from alembic import command
from sqlalchemy import delete, event, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.db import _alembic_config, make_engine, make_sessionmaker
from backend.adapters.orm import Friend, Job
from backend.domain.bitsets import SKILL_BITS
from backend.domain.geo import bounding_box
from backend.domain.ranking import Track, merit
from backend.services.dispatch import SKILL_SPACING, find_candidates

# As migration 0011: entries for skill bits 0..15.
SKILL_SLOTS = 16

BERLIN = (52.52, 13.40)
# About 3.3 km north of BERLIN.
NEAR_BERLIN = (52.55, 13.40)
MUNICH = (48.14, 11.58)


def _friend(i: int, **changes: Any) -> dict[str, Any]:
    return {
        "name": f"Friend {i}",
        "messenger_id": f"reach-{i}",
        "postal_code": "10115",
        "country": "DE",
        "latitude": BERLIN[0],
        "longitude": BERLIN[1],
        "radius_km": 10.0,
        "skills": ["computer"],
        "languages": ["de"],
        "status": "active",
    } | changes


async def _found(session: AsyncSession, place: tuple[float, float], limit: int = 10) -> list[str]:
    job = Job(id=None, latitude=place[0], longitude=place[1], category="computer")
    return [c.friend.messenger_id for c in await find_candidates(session, job, "de", 50.0, limit)]


async def _assert_tree_in_step(session: AsyncSession) -> None:
    """On SQLite: the tree holds an entry per skill of exactly the active, online Friends,
    each with its place, radius, languages and merit as the friends table and
    backend/domain/ranking.py say, and a reach box around the whole disc."""
    if session.bind.dialect.name != "sqlite":
        return
    friends = {
        f.id: f
        for f in (await session.scalars(select(Friend).execution_options(populate_existing=True)))
        if f.status == "active" and f.online
    }
    tree = {
        row.id: row
        for row in await session.execute(
            text(
                "SELECT id, reach_min_lat, reach_max_lat, reach_min_lon, reach_max_lon, "
                "place_min_lat, place_max_lat, place_min_lon, place_max_lon, skill_min, "
                "skill_max, friend_id, latitude, longitude, radius_km, language_bits, merit "
                "FROM friend_reach"
            )
        )
    }
    expected = {
        friend_id * SKILL_SLOTS + slot: (friend_id, slot)
        for friend_id, f in friends.items()
        for slot in range(SKILL_SLOTS)
        if f.skill_bits & (1 << slot)
    }
    assert set(tree) == set(expected)
    for entry_id, (friend_id, slot) in expected.items():
        row, f = tree[entry_id], friends[friend_id]
        assert row.friend_id == friend_id
        # 32-bit floats rounded outwards: the entry's interval holds its skill and no other.
        assert (slot - 1) * SKILL_SPACING < row.skill_min <= slot * SKILL_SPACING
        assert slot * SKILL_SPACING <= row.skill_max < (slot + 1) * SKILL_SPACING
        assert (row.latitude, row.longitude, row.radius_km) == (
            f.latitude,
            f.longitude,
            f.radius_km,
        )
        assert row.language_bits == f.language_bits
        track = Track(
            f.claims,
            f.contacted_in_time,
            f.missed_deadlines,
            f.hand_backs,
            f.declines,
            f.completed_jobs,
        )
        assert math.isclose(row.merit, merit(f.rating, f.rating_count, track), abs_tol=1e-12)
        min_lat, max_lat, min_lon, max_lon = bounding_box(f.latitude, f.longitude, f.radius_km)
        assert row.reach_min_lat <= min_lat and row.reach_max_lat >= max_lat
        assert row.reach_min_lon <= min_lon and row.reach_max_lon >= max_lon
        assert row.place_min_lat <= f.latitude <= row.place_max_lat
        assert row.place_min_lon <= f.longitude <= row.place_max_lon


def test_every_skill_has_a_slot_in_the_tree() -> None:
    """Migration 0011 makes entries for skill bits 0..15 only; a 17th skill needs a migration."""
    assert max(SKILL_BITS.values()) < 1 << SKILL_SLOTS


async def test_matching_follows_a_friend_who_moves_shrinks_pauses_goes_offline_or_leaves(
    db_url: str,
) -> None:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            anna = Friend(**_friend(1, name="Anna", messenger_id="anna"))
            session.add(anna)
            await session.commit()
            await _assert_tree_in_step(session)
            assert await _found(session, NEAR_BERLIN) == ["anna"]

            anna.latitude, anna.longitude = MUNICH
            await session.commit()
            await _assert_tree_in_step(session)
            assert await _found(session, NEAR_BERLIN) == []
            assert await _found(session, MUNICH) == ["anna"]
            anna.latitude, anna.longitude = BERLIN
            await session.commit()

            anna.radius_km = 3.0
            await session.commit()
            await _assert_tree_in_step(session)
            assert await _found(session, NEAR_BERLIN) == []
            anna.radius_km = 4.0
            await session.commit()
            assert await _found(session, NEAR_BERLIN) == ["anna"]

            anna.status = "paused"
            await session.commit()
            await _assert_tree_in_step(session)
            assert await _found(session, NEAR_BERLIN) == []
            anna.status = "active"
            await session.commit()
            assert await _found(session, NEAR_BERLIN) == ["anna"]

            anna.online = False
            await session.commit()
            await _assert_tree_in_step(session)
            assert await _found(session, NEAR_BERLIN) == []
            anna.online = True
            await session.commit()
            await _assert_tree_in_step(session)
            assert await _found(session, NEAR_BERLIN) == ["anna"]

            await session.delete(anna)
            await session.commit()
            await _assert_tree_in_step(session)
            assert await _found(session, NEAR_BERLIN) == []
    finally:
        await engine.dispose()


async def test_a_new_rating_or_missed_deadline_reorders_at_once(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(insert(Friend), [_friend(1), _friend(2)])
            await session.commit()
            assert await _found(session, NEAR_BERLIN) == ["reach-1", "reach-2"]  # a tie: by id
            await session.execute(
                update(Friend)
                .where(Friend.messenger_id == "reach-2")
                .values(rating=5.0, rating_count=10)
            )
            await session.commit()
            assert await _found(session, NEAR_BERLIN) == ["reach-2", "reach-1"]
            await session.execute(
                update(Friend).where(Friend.messenger_id == "reach-2").values(missed_deadlines=3)
            )
            await session.commit()
            assert await _found(session, NEAR_BERLIN) == ["reach-1", "reach-2"]
            await _assert_tree_in_step(session)
    finally:
        await engine.dispose()


async def test_ties_at_the_wave_size_go_to_the_lowest_ids(db_url: str) -> None:
    """Eight Friends alike in every way: the database's limit may cut anywhere among them, so
    matching must notice the tie at its cut-off and still return the first three by id."""
    engine = make_engine(db_url)
    queries: list[str] = []

    def count(*args: Any) -> None:
        if "friend_reach" in args[2]:
            queries.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(insert(Friend), [_friend(i) for i in range(8, 0, -1)])
            await session.commit()
            ids = list(
                await session.scalars(select(Friend.messenger_id).order_by(Friend.id).limit(3))
            )
            assert await _found(session, NEAR_BERLIN, limit=3) == ids
    finally:
        await engine.dispose()
    if db_url.startswith("sqlite"):
        assert len(queries) == 2, "the tie at the cut-off should have asked again, unlimited"


@pytest.mark.sqlite_only
async def test_tree_follows_plain_sql_inserts_updates_and_deletes(db_url: str) -> None:
    rng = random.Random(3)
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(
                insert(Friend),
                [
                    _friend(
                        i,
                        latitude=BERLIN[0] + rng.uniform(-0.3, 0.3),
                        longitude=BERLIN[1] + rng.uniform(-0.4, 0.4),
                        radius_km=rng.choice((5.0, 20.0, 50.0)),
                        status=rng.choice(("active", "active", "paused", "vetted")),
                        online=rng.random() < 0.8,
                        rating=rng.choice((None, 3.5, 4.8)),
                        rating_count=rng.randint(0, 9),
                    )
                    for i in range(60)
                ],
            )
            await session.commit()
            await _assert_tree_in_step(session)
            ids = list(await session.scalars(select(Friend.id)))
            for friend_id in rng.sample(ids, 30):
                await session.execute(
                    update(Friend)
                    .where(Friend.id == friend_id)
                    .values(
                        latitude=Friend.latitude + rng.uniform(-0.1, 0.1),
                        radius_km=rng.choice((1.0, 30.0)),
                        status=rng.choice(("active", "paused", "suspended")),
                        online=rng.random() < 0.5,
                        declines=Friend.declines + 1,
                        completed_jobs=rng.randint(0, 5),
                        # Up to the last slot the tree has, and none at all.
                        skill_bits=rng.choice((0, 1, 8, 9, 1 << 15)),
                    )
                )
            # A change to a column matching does not read leaves the tree's row alone.
            await session.execute(update(Friend).values(phone="+4930123456"))
            await session.execute(delete(Friend).where(Friend.id.in_(rng.sample(ids, 15))))
            await session.commit()
            await _assert_tree_in_step(session)
            await session.execute(delete(Friend))
            await session.commit()
            assert await session.scalar(text("SELECT count(*) FROM friend_reach")) == 0
    finally:
        await engine.dispose()


@pytest.mark.sqlite_only
async def test_sqlite_matches_through_the_tree(db_url: str) -> None:
    """A plan that scanned friends would still be right, only slow: make sure it is the tree."""
    engine = make_engine(db_url)
    statements: list[tuple[str, Any]] = []

    def grab(*args: Any) -> None:
        if "friend_reach" in args[2]:
            statements.append((args[2], args[3]))

    event.listen(engine.sync_engine, "before_cursor_execute", grab)
    try:
        async with make_sessionmaker(engine)() as session:
            job = Job(id=7, latitude=BERLIN[0], longitude=BERLIN[1], category="computer")
            await find_candidates(session, job, "de", 50.0, 10)
            statement, parameters = statements[0]
            plan = " | ".join(
                str(row[-1])
                for row in (
                    await (await session.connection()).exec_driver_sql(
                        "EXPLAIN QUERY PLAN " + statement, parameters
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    assert "SCAN friend_reach VIRTUAL TABLE INDEX" in plan, plan
    assert "friends" not in plan.replace("friend_reach", ""), plan


@pytest.mark.sqlite_only
def test_migration_0011_down_and_up_rebuilds_the_tree(db_url: str) -> None:
    async def add_friends() -> None:
        engine = make_engine(db_url)
        async with make_sessionmaker(engine)() as session:
            await session.execute(insert(Friend), [_friend(1), _friend(2, status="paused")])
            await session.commit()
        await engine.dispose()

    async def check(tree_exists: bool) -> None:
        engine = make_engine(db_url)
        try:
            async with make_sessionmaker(engine)() as session:
                names = set(
                    await session.scalars(
                        text("SELECT name FROM sqlite_master WHERE name LIKE 'friend_reach%'")
                    )
                )
                if not tree_exists:
                    assert names == set()
                    return
                assert {"friend_reach", "friend_reach_insert", "friend_reach_delete"} <= names
                await _assert_tree_in_step(session)
                await session.execute(insert(Friend), [_friend(3)])
                await session.commit()
                await _assert_tree_in_step(session)
                assert await _found(session, NEAR_BERLIN) == ["reach-1", "reach-3"]
        finally:
            await engine.dispose()

    asyncio.run(add_friends())
    config = _alembic_config(db_url)
    command.downgrade(config, "0010")
    asyncio.run(check(tree_exists=False))
    command.upgrade(config, "head")
    asyncio.run(check(tree_exists=True))
