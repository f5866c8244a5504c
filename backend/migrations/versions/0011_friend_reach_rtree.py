"""friend_reach: an R*Tree of the active, online Friends' reach, kept in step by triggers (SQLite)

Matching asks which Friends' reach discs contain the customer's place. With an index on the
Friends' places, the 50 km wave read every Friend within 50 km (about 6,600 index entries in a
dense city) and then a table row for each of the ~600 whose own radius covered the customer:
p99 18 ms at 100k Friends against a target of 10 (docs/benchmarks.md). An R*Tree of each
Friend's reach box answers the question directly: only Friends whose own radius can cover the
point come back, and a second pair of dimensions (the Friend's place, a point) holds them within
the wave's radius. Merit (rating and reliability), skills, languages, place and radius ride
along as auxiliary columns, so ranking reads no table page.

Triggers on friends (insert; update of anything matching reads; delete) keep the tree in step
with every way a Friend changes, ORM or plain SQL. The R*Tree stores 32-bit floats rounded
outwards, so it can let a Friend too many through, never one too few: the exact distance
decides in backend/services/dispatch.py.

PostgreSQL keeps its B-tree path (ix_friends_active_match); nothing changes there.

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


def _reach_row(p: str) -> str:
    """The tree's row for the Friend whose columns are named with prefix `p` ("NEW." or "")."""
    angle = _ANGLE.format(p=p, r=_EARTH_RADIUS_KM)
    dlat = _DLAT.format(angle=angle, pad=_PAD_DEGREES)
    dlon = _DLON.format(p=p, angle=angle, pad=_PAD_DEGREES)
    return f"""{p}id,
        {p}latitude - {dlat}, {p}latitude + {dlat},
        {p}longitude - {dlon}, {p}longitude + {dlon},
        {p}latitude, {p}latitude, {p}longitude, {p}longitude,
        {p}latitude, {p}longitude, {p}radius_km, {p}skill_bits, {p}language_bits,
        {_MERIT.format(p=p)}"""


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
    # Reach box (4 columns), the Friend's place as a point (4), then auxiliary columns.
    op.execute(
        """CREATE VIRTUAL TABLE friend_reach USING rtree(
            id,
            reach_min_lat, reach_max_lat, reach_min_lon, reach_max_lon,
            place_min_lat, place_max_lat, place_min_lon, place_max_lon,
            +latitude, +longitude, +radius_km, +skill_bits, +language_bits, +merit
        )"""
    )
    op.execute(
        f"INSERT INTO friend_reach SELECT {_reach_row('')} FROM friends "
        "WHERE status = 'active' AND online"
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
            DELETE FROM friend_reach WHERE id = OLD.id;
            INSERT INTO friend_reach SELECT {_reach_row("NEW.")}
            WHERE NEW.status = 'active' AND NEW.online;
        END"""
    )
    op.execute(
        """CREATE TRIGGER friend_reach_delete AFTER DELETE ON friends
        BEGIN
            DELETE FROM friend_reach WHERE id = OLD.id;
        END"""
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS friend_reach")
