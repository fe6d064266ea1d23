"""The fleet database (PostgreSQL, psycopg 3): versioned migrations and idempotent inserts of events.

Migrations are the ``migrations/NNN_name.sql`` files shipped in the package, applied in order, each in
its own transaction with its version recorded in ``schema_migrations``; an advisory lock keeps two
collectors starting together from applying the same one twice. Events are keyed by their event id, so
an event delivered twice (a collector killed between commit and ack) is inserted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from ..model import Event

# Any constant shared by every collector: the key of the advisory lock held while migrating.
_MIGRATION_LOCK = 0x5265_7347_7561_7264 & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    found = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        stem, _, suffix = entry.name.partition(".")
        number, _, name = stem.partition("_")
        if suffix == "sql" and number.isdigit():
            found.append(Migration(int(number), name, entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


async def migrate(conn: AsyncConnection[Any]) -> list[int]:
    """Apply the migrations this database lacks; the versions applied now."""
    applied_now = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cur = await conn.execute("SELECT version FROM schema_migrations")
        done = {row[0] for row in await cur.fetchall()}
        for m in migrations():
            if m.version in done:
                continue
            async with conn.transaction():
                await conn.execute(m.sql.encode())
                await conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (m.version, m.name))
            applied_now.append(m.version)
    return applied_now


INSERT = (
    "INSERT INTO events (event_id, ts, guard, event_type, device, build, country, verdict, action, policy, types, event)"
    " VALUES (%s, %s::timestamptz, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (event_id) DO NOTHING"
)


def row_of(event: Event, event_id: str, guard: str, raw: dict[str, Any]) -> tuple[Any, ...]:
    """The insert's parameters; ``raw`` is the event as published (stored whole, as recorded)."""
    return (
        event_id,
        event.timestamp,
        event.guard or guard,
        event.event_type,
        event.device,
        None,  # build: events do not say which firmware build sent them yet; the column waits for that
        event.destination.country,
        event.verdict,
        event.action,
        event.policy,
        sorted({i.type for i in event.identifiers}),
        Jsonb(raw),
    )


async def insert(conn: AsyncConnection[Any], rows: list[tuple[Any, ...]]) -> None:
    """Insert a batch in one transaction (committed when this returns)."""
    async with conn.transaction():
        async with conn.cursor() as cur:
            await cur.executemany(INSERT, rows)
