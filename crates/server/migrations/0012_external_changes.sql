-- Contact changes made outside any server (the admin CLI provisioning a member, the demo, the
-- load tool's seed): the change watcher of each node announces these, and only these, to its
-- sockets. A change made by a node is announced by that node to the people it concerns (and
-- to the other nodes over NATS), never again by a watcher to the whole organisation.
CREATE TABLE external_changes (
    change_seq BIGINT PRIMARY KEY,
    organisation_id TEXT NOT NULL
);
