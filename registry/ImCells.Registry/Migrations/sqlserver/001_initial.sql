-- The schema of a cell on SQL Server: the same tables, columns and keys as SQLite's scripts 001-003.
-- 64-bit integers throughout (user numbers, seqs, Unix milliseconds). Identifiers that are keys or
-- looked up (message ids, client message ids, device ids, cell ids...) are bounded NVARCHARs with a
-- binary collation: compared byte for byte, as SQLite and PostgreSQL do, not case-insensitively.
-- Free text (names, messages, profile fields) is NVARCHAR(MAX).

CREATE TABLE users (
    id            BIGINT NOT NULL PRIMARY KEY,
    name          NVARCHAR(MAX) NOT NULL,
    password_hash NVARCHAR(MAX) NOT NULL,
    head_seq      BIGINT NOT NULL DEFAULT 0,
    read_receipts BIGINT NOT NULL DEFAULT 1,
    created_at_ms BIGINT NOT NULL,
    nickname           NVARCHAR(MAX) NOT NULL DEFAULT '',
    avatar_url         NVARCHAR(MAX) NOT NULL DEFAULT '',
    status_text        NVARCHAR(MAX) NOT NULL DEFAULT '',
    details            NVARCHAR(MAX) NOT NULL DEFAULT '{}',
    profile_updated_ms BIGINT NOT NULL DEFAULT 0,
    only_friends  BIGINT NOT NULL DEFAULT 0,
    last_seen_ms  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE mailbox (
    user_id     BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    message_id  NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    from_user   BIGINT NOT NULL,
    to_user     BIGINT NOT NULL,
    peer        BIGINT NOT NULL,
    text        NVARCHAR(MAX) NOT NULL,
    sent_at_ms  BIGINT NOT NULL,
    failed      NVARCHAR(200) NULL,
    PRIMARY KEY (user_id, seq)
);
CREATE UNIQUE INDEX mailbox_message ON mailbox (user_id, message_id);
CREATE INDEX mailbox_conversation ON mailbox (user_id, peer, seq);

CREATE TABLE conversations (
    user_id  BIGINT NOT NULL,
    peer     BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    read_seq BIGINT NOT NULL DEFAULT 0,
    unread   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, peer)
);
CREATE INDEX conversations_recent ON conversations (user_id, last_seq);

CREATE TABLE scheduled (
    id            NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY,
    sender        BIGINT NOT NULL,
    to_user       BIGINT NOT NULL,
    text          NVARCHAR(MAX) NOT NULL,
    client_msg_id NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    deliver_at_ms BIGINT NOT NULL,
    status        NVARCHAR(20) COLLATE Latin1_General_100_BIN2 NOT NULL DEFAULT 'pending'
);
CREATE UNIQUE INDEX scheduled_client ON scheduled (sender, client_msg_id);
CREATE INDEX scheduled_due ON scheduled (status, deliver_at_ms);

CREATE TABLE sent_index (
    sender        BIGINT NOT NULL,
    client_msg_id NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    message_id    NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    seq           BIGINT NOT NULL,
    sent_at_ms    BIGINT NOT NULL,
    PRIMARY KEY (sender, client_msg_id)
);

-- Ids only grow in commit order: the cell has one writer.
CREATE TABLE outbox (
    id          BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    target_cell NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    message_id  NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    from_user   BIGINT NOT NULL,
    to_user     BIGINT NOT NULL,
    text        NVARCHAR(MAX) NOT NULL,
    sent_at_ms  BIGINT NOT NULL
);
CREATE INDEX outbox_target ON outbox (target_cell, id);

CREATE TABLE device_cursors (
    user_id       BIGINT NOT NULL,
    device_id     NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    acked_seq     BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

CREATE TABLE friends (
    user_id   BIGINT NOT NULL,
    friend_id BIGINT NOT NULL,
    nickname  NVARCHAR(MAX) NOT NULL,
    since_ms  BIGINT NOT NULL,
    PRIMARY KEY (user_id, friend_id)
);

CREATE TABLE friend_requests (
    user_id       BIGINT NOT NULL,
    other_id      BIGINT NOT NULL,
    direction     NVARCHAR(8) COLLATE Latin1_General_100_BIN2 NOT NULL,
    nickname      NVARCHAR(MAX) NOT NULL,
    message       NVARCHAR(MAX) NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, other_id, direction)
);

CREATE TABLE blacklist (
    user_id    BIGINT NOT NULL,
    blocked_id BIGINT NOT NULL,
    since_ms   BIGINT NOT NULL,
    PRIMARY KEY (user_id, blocked_id)
);

CREATE TABLE profile_watchers (
    user_id BIGINT NOT NULL,
    cell    NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    PRIMARY KEY (user_id, cell)
);

CREATE TABLE locations (
    user_id       BIGINT NOT NULL,
    device_id     NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    serving_cell  NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    chat_endpoint NVARCHAR(400) NOT NULL,
    since_ms      BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

CREATE TABLE token_revocations (
    user_id       BIGINT NOT NULL,
    device_id     NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    revoked_at_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

CREATE TABLE login_failures (
    user_id         BIGINT NOT NULL PRIMARY KEY,
    failures        BIGINT NOT NULL,
    locked_until_ms BIGINT NOT NULL,
    last_failure_ms BIGINT NOT NULL
);
CREATE INDEX login_failures_last ON login_failures (last_failure_ms);

CREATE TABLE registration_requests (
    request_id    NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY,
    user_id       BIGINT NOT NULL,
    name          NVARCHAR(MAX) NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX registration_requests_created ON registration_requests (created_at_ms);
