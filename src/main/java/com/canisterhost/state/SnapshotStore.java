package com.canisterhost.state;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Snapshots in PostgreSQL. Taking and loading copy rows inside the database (no page travels through the
 * service); loading is a commit like any other: fenced on the state version, recorded, and a new version.
 */
@Repository
public class SnapshotStore {

    private final JdbcClient jdbc;
    private final ModuleChanges moduleChanges;

    SnapshotStore(JdbcClient jdbc, ModuleChanges moduleChanges) {
        this.jdbc = jdbc;
        this.moduleChanges = moduleChanges;
    }

    /** Copies the canister's committed state into a new snapshot (the caller holds the canister's lock). */
    @Transactional
    public Snapshot take(String canisterId) {
        long id = jdbc.sql("SELECT nextval('snapshot_ids')").query(Long.class).single();
        int copied = jdbc.sql("""
                        INSERT INTO snapshots (canister_id, id, state_version, module_hash, profile, heap_pages,
                                               stable_pages)
                        SELECT id, ?, state_version, module_hash, profile, heap_pages, stable_pages FROM canisters
                         WHERE id = ? AND module_hash IS NOT NULL""")
                .params(id, canisterId)
                .update();
        if (copied != 1) {
            throw new IllegalStateException("canister " + canisterId + " has no module to snapshot");
        }
        jdbc.sql("""
                        INSERT INTO snapshot_pages (canister_id, snapshot_id, kind, page_index, data)
                        SELECT canister_id, ?, kind, page_index, data FROM memory_pages WHERE canister_id = ?""")
                .params(id, canisterId)
                .update();
        jdbc.sql("""
                        INSERT INTO snapshot_globals (canister_id, snapshot_id, global_index, value_low, value_high)
                        SELECT canister_id, ?, global_index, value_low, value_high FROM canister_globals
                         WHERE canister_id = ?""")
                .params(id, canisterId)
                .update();
        return find(canisterId, id).orElseThrow();
    }

    @Transactional(readOnly = true)
    public List<Snapshot> list(String canisterId) {
        return jdbc.sql(SELECT + " WHERE s.canister_id = ? ORDER BY s.id")
                .param(canisterId)
                .query((rs, n) -> snapshot(rs))
                .list();
    }

    @Transactional(readOnly = true)
    public Optional<Snapshot> find(String canisterId, long snapshotId) {
        return jdbc.sql(SELECT + " WHERE s.canister_id = ? AND s.id = ?")
                .params(canisterId, snapshotId)
                .query((rs, n) -> snapshot(rs))
                .optional();
    }

    public int count(String canisterId) {
        return jdbc.sql("SELECT count(*) FROM snapshots WHERE canister_id = ?").param(canisterId)
                .query(Integer.class).single();
    }

    /**
     * Replaces the canister's module, heap and globals with the snapshot's, as its next state version (the caller
     * holds the canister's lock).
     *
     * @return the new state version
     */
    @Transactional
    public long load(String canisterId, long snapshotId) {
        moduleChanges.changed(canisterId);
        long expectedVersion = jdbc.sql("SELECT state_version FROM canisters WHERE id = ? FOR UPDATE")
                .param(canisterId).query(Long.class).single();
        int fenced = jdbc.sql("""
                        UPDATE canisters c SET state_version = c.state_version + 1, module_hash = s.module_hash,
                               profile = s.profile, heap_pages = s.heap_pages, stable_pages = s.stable_pages,
                               updated_at = now(), last_call_version = c.state_version + 1,
                               last_call_kind = 'load-snapshot', last_call_method = ?
                          FROM snapshots s
                         WHERE c.id = ? AND c.state_version = ? AND s.canister_id = c.id AND s.id = ?""")
                .params(Long.toString(snapshotId), canisterId, expectedVersion, snapshotId)
                .update();
        if (fenced != 1) {
            throw new StateVersionConflictException(canisterId, expectedVersion);
        }
        jdbc.sql("DELETE FROM memory_pages WHERE canister_id = ?").param(canisterId).update();
        jdbc.sql("DELETE FROM canister_globals WHERE canister_id = ?").param(canisterId).update();
        jdbc.sql("""
                        INSERT INTO memory_pages (canister_id, kind, page_index, data)
                        SELECT canister_id, kind, page_index, data FROM snapshot_pages
                         WHERE canister_id = ? AND snapshot_id = ?""")
                .params(canisterId, snapshotId)
                .update();
        jdbc.sql("""
                        INSERT INTO canister_globals (canister_id, global_index, value_low, value_high)
                        SELECT canister_id, global_index, value_low, value_high FROM snapshot_globals
                         WHERE canister_id = ? AND snapshot_id = ?""")
                .params(canisterId, snapshotId)
                .update();
        return expectedVersion + 1;
    }

    @Transactional
    public boolean delete(String canisterId, long snapshotId) {
        return jdbc.sql("DELETE FROM snapshots WHERE canister_id = ? AND id = ?").params(canisterId, snapshotId)
                .update() == 1;
    }

    private static final String SELECT = """
            SELECT s.id, s.taken_at, s.state_version, s.module_hash,
                   (SELECT coalesce(sum(octet_length(p.data)), 0) FROM snapshot_pages p
                     WHERE p.canister_id = s.canister_id AND p.snapshot_id = s.id) AS size
              FROM snapshots s""";

    private static Snapshot snapshot(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Snapshot(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getLong(3),
                HexFormat.of().formatHex(rs.getBytes(4)), rs.getLong(5));
    }
}
