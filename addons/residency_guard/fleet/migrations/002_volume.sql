-- Volume rules' fleet counters: every subject (device fingerprint) each rule counted, upserted by the guards.
CREATE TABLE volume_subjects (
    rule        text NOT NULL,
    subject     text NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    guard       text,
    PRIMARY KEY (rule, subject)
);

CREATE INDEX volume_subjects_rule_last_seen ON volume_subjects (rule, last_seen);
