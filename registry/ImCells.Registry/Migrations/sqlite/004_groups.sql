-- Groups homed in this cell (numbers from the cell's groupRanges): one timeline with one dense
-- seq per group (head_seq), messages and membership events alike.
CREATE TABLE chat_groups (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    owner           INTEGER NOT NULL,
    creator         INTEGER NOT NULL,
    head_seq        INTEGER NOT NULL DEFAULT 0,
    member_count    INTEGER NOT NULL DEFAULT 0,
    joinable        INTEGER NOT NULL DEFAULT 0,
    history_visible INTEGER NOT NULL DEFAULT 0,
    dissolved       INTEGER NOT NULL DEFAULT 0,
    created_at_ms   INTEGER NOT NULL,
    -- the creator's client request id: a retried create returns the first group
    create_request  TEXT    NULL
);
CREATE UNIQUE INDEX chat_groups_request ON chat_groups (creator, create_request) WHERE create_request IS NOT NULL;

-- Members past and present: role 1 member, 2 admin, 3 owner, 0 left; cell = the member's home cell.
CREATE TABLE group_members (
    group_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    cell     TEXT    NOT NULL,
    role     INTEGER NOT NULL,
    join_seq INTEGER NOT NULL,
    left_seq INTEGER NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_cell ON group_members (group_id, cell);

-- The timeline: one row per message or event, written once whatever the member count.
-- event: a GroupEvent (protobuf) for membership events; client_msg_id makes a resent message one row.
CREATE TABLE group_timeline (
    group_id      INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    entry_id      TEXT    NOT NULL,
    from_user     INTEGER NOT NULL,
    text          TEXT    NOT NULL,
    event         BLOB    NULL,
    mentions      TEXT    NOT NULL DEFAULT '',
    sent_at_ms    INTEGER NOT NULL,
    client_msg_id TEXT    NULL,
    PRIMARY KEY (group_id, seq)
);
CREATE UNIQUE INDEX group_timeline_client ON group_timeline (group_id, from_user, client_msg_id) WHERE client_msg_id IS NOT NULL;

-- How far each member cell of a group has acknowledged its timeline; until_seq: the cell has no
-- member after that entry, so the row goes once it is delivered.
CREATE TABLE group_fanout (
    group_id      INTEGER NOT NULL,
    cell          TEXT    NOT NULL,
    delivered_seq INTEGER NOT NULL,
    until_seq     INTEGER NULL,
    PRIMARY KEY (group_id, cell)
);

-- In the member's home cell: the user's groups and read position (left_seq: no longer a member).
CREATE TABLE user_groups (
    user_id  INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    role     INTEGER NOT NULL,
    join_seq INTEGER NOT NULL,
    left_seq INTEGER NULL,
    read_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX user_groups_group ON user_groups (group_id, user_id);

-- In a member cell: one row per group with members here (not per member): what the cell has of it.
CREATE TABLE group_heads (
    group_id     INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    head_seq     INTEGER NOT NULL,
    member_count INTEGER NOT NULL,
    last_entry   BLOB    NULL
);

-- Mentions of members homed here, for the unread mention count.
CREATE TABLE group_mentions (
    user_id  INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (user_id, group_id, seq)
);
