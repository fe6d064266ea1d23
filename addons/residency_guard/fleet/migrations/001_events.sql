-- The fleet's events: the whole event as recorded (JSONB) plus the columns a report filters and groups by.
CREATE TABLE events (
    event_id    text PRIMARY KEY,
    ts          timestamptz NOT NULL,
    guard       text NOT NULL,
    event_type  text NOT NULL,
    device      text,
    build       text,
    country     text NOT NULL,
    verdict     text NOT NULL,
    action      text NOT NULL,
    policy      text NOT NULL,
    types       text[] NOT NULL,
    event       jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX events_ts ON events (ts);
CREATE INDEX events_guard_ts ON events (guard, ts);
CREATE INDEX events_device_ts ON events (device, ts);
CREATE INDEX events_build ON events (build);
CREATE INDEX events_country_verdict ON events (country, verdict);
CREATE INDEX events_types ON events USING gin (types);
