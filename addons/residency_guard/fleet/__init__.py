"""Many guards, one evidence store: events published to NATS JetStream and collected into PostgreSQL.

``publisher`` follows a guard's events file by offset and publishes every judged event to the stream,
keyed by its event id; ``collector`` is a durable work-queue consumer writing them into the database
(``store``, with versioned ``migrations/``). ``localservers`` starts a NATS server and a PostgreSQL
cluster on loopback for ``make fleet-demo`` and the fleet tests.
"""
