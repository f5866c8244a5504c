"""friend_reach: an R*Tree of the active, online Friends' reach, kept in step by triggers (SQLite)

Matching asks which Friends' reach discs contain the customer's place. With an index on the
Friends' places, the 50 km wave read every Friend within 50 km (about 6,600 index entries in a
dense city) and then a table row for each of the ~600 whose own radius covered the customer:
p99 18 ms at 100k Friends against a target of 10 (docs/benchmarks.md). An R*Tree of each
Friend's reach box answers the question directly: only Friends whose own radius can cover the
point come back, and a second pair of dimensions (the Friend's place, a point) holds them within
the wave's radius. A Friend has one entry per skill, and the skill is a fifth dimension, so a
search reads the auxiliary columns only of entries with the job's skill. Merit (rating and
reliability), languages, place and radius ride along as auxiliary columns, so ranking reads no
table page. (With the skills as a bit set beside a single entry, every entry in reach cost a
read of its auxiliary columns, skilled or not: about 2,100 instead of 700 at p99 in a dense
city at 50 km, and the SQL took more CPU than the B-tree query it replaced.)

Triggers on friends (insert; update of anything matching reads; delete) keep the tree in step
with every way a Friend changes, ORM or plain SQL. The R*Tree stores 32-bit floats rounded
outwards, so it can let a Friend too many through, never one too few: the exact distance
decides in backend/services/dispatch.py.

PostgreSQL keeps its B-tree path (ix_friends_active_match); nothing changes there.

A later migration that rebuilds friends on SQLite (batch_alter_table copies the table and drops
the old one) drops these triggers with it and must create them again;
tests/backend/test_matching_reach.py fails if the tree falls out of step.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Frozen copies of backend/domain/geo.py and backend/domain/ranking.py as of this revision: a
# migration must build the same thing whenever it runs. tests/backend/test_matching_ranking.py
# fails when ranking.py changes and these do not; a new migration then rewrites the triggers.
_EARTH_RADIUS_KM = 6371.0088
_PAD_DEGREES = 1e-7
_MERIT = """(
    0.25 * ((CASE WHEN {p}rating IS NOT NULL AND {p}rating_count > 0
                  THEN ({p}rating * {p}rating_count + 4.0 * 3) / ({p}rating_count + 3)
                  ELSE 4.0 END) - 1.0) / 4.0
    + 0.25 * ({p}contacted_in_time + {p}completed_jobs + 4.0)
      / ({p}contacted_in_time + {p}completed_jobs + 4.0
         + 2.0 * {p}missed_deadlines + {p}hand_backs + 0.1 * {p}declines + 1.0)
)"""
# As backend/domain/geo.bounding_box: the widest longitude of a circle is
# asin(sin(r / R) / cos(latitude)) away from its centre; near a pole it wraps all the way round.
_ANGLE = "(max({p}radius_km, 0.0) / {r})"
_DLAT = "(degrees({angle}) + {pad})"
_DLON = """(CASE WHEN cos(radians({p}latitude)) <= 1e-12
                  OR sin({angle}) / cos(radians({p}latitude)) >= 1.0 THEN 180.0
            ELSE degrees(asin(sin({angle}) / cos(radians({p}latitude)))) END + {pad})"""
# Skill bits 0..15 (backend/domain/bitsets.py) each get an entry; the entry's id is
# friends.id * SKILL_SLOTS + the bit's number, and its skill dimension that number times
# SKILL_SPACING. Small beside the spans of degrees, so the tree groups by place and tests the
# skill inside its nodes: filled in random order (as triggers do), a spacing of 1000 made the
# tree group by skill badly and a 50 km search cost 1.7 ms of CPU against 0.2 with 0.01.
SKILL_SLOTS = 16
SKILL_SPACING = 0.01
_SLOTS = " UNION ALL ".join(f"SELECT {k} AS slot" for k in range(SKILL_SLOTS))
# Matching reads these columns; a change to any other leaves the tree as it is.
WATCHED = (
    "latitude",
    "longitude",
    "radius_km",
    "status",
    "online",
    "skill_bits",
    "language_bits",
    "rating",
    "rating_count",
    "contacted_in_time",
    "completed_jobs",
    "missed_deadlines",
    "hand_backs",
    "declines",
)
TRIGGERS = ("friend_reach_insert", "friend_reach_update", "friend_reach_delete")


def _reach_row(p: str, also_from: str = "") -> str:
    """SELECT … FROM … WHERE of the tree's entries for the Friend whose columns are named with
    prefix `p` ("NEW." or "friends."), one per skill."""
    angle = _ANGLE.format(p=p, r=_EARTH_RADIUS_KM)
    dlat = _DLAT.format(angle=angle, pad=_PAD_DEGREES)
    dlon = _DLON.format(p=p, angle=angle, pad=_PAD_DEGREES)
    return f"""{p}id * {SKILL_SLOTS} + slot,
        {p}latitude - {dlat}, {p}latitude + {dlat},
        {p}longitude - {dlon}, {p}longitude + {dlon},
        {p}latitude, {p}latitude, {p}longitude, {p}longitude,
        slot * {SKILL_SPACING}, slot * {SKILL_SPACING},
        {p}id, {p}latitude, {p}longitude, {p}radius_km, {p}language_bits,
        {_MERIT.format(p=p)}
        FROM {also_from}({_SLOTS}) WHERE {p}skill_bits & (1 << slot)"""


def _delete(p: str) -> str:
    ids = ", ".join(f"{p}id * {SKILL_SLOTS} + {k}" for k in range(SKILL_SLOTS))
    return f"DELETE FROM friend_reach WHERE id IN ({ids})"


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    try:
        connection.execute(sa.text("SELECT sin(0.5), asin(0.5), radians(1.0), degrees(1.0)"))
    except sa.exc.OperationalError as exc:
        raise RuntimeError(
            "this SQLite lacks its math functions (SQLITE_ENABLE_MATH_FUNCTIONS, SQLite 3.35+), "
            "which the friend_reach triggers need"
        ) from exc
    # Reach box, the Friend's place as a point, the skill (two columns each: an interval),
    # then auxiliary columns.
    op.execute(
        """CREATE VIRTUAL TABLE friend_reach USING rtree(
            id,
            reach_min_lat, reach_max_lat, reach_min_lon, reach_max_lon,
            place_min_lat, place_max_lat, place_min_lon, place_max_lon,
            skill_min, skill_max,
            +friend_id, +latitude, +longitude, +radius_km, +language_bits, +merit
        )"""
    )
    # Friend by Friend, as the triggers add them: left to the planner, the join ran skill by
    # skill, and the tree built in that order searched 5-10 times slower at p90.
    op.execute(
        f"INSERT INTO friend_reach SELECT {_reach_row('friends.', 'friends, ')} "
        "AND friends.status = 'active' AND friends.online ORDER BY friends.id, slot"
    )
    op.execute(
        f"""CREATE TRIGGER friend_reach_insert AFTER INSERT ON friends
        WHEN NEW.status = 'active' AND NEW.online
        BEGIN
            INSERT INTO friend_reach SELECT {_reach_row("NEW.")};
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER friend_reach_update AFTER UPDATE OF {", ".join(WATCHED)}, id ON friends
        BEGIN
            {_delete("OLD.")};
            INSERT INTO friend_reach SELECT {_reach_row("NEW.")}
            AND NEW.status = 'active' AND NEW.online;
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER friend_reach_delete AFTER DELETE ON friends
        BEGIN
            {_delete("OLD.")};
        END"""
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS friend_reach")
