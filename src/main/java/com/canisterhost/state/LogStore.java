package com.canisterhost.state;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Canister logs in PostgreSQL, at most {@code canister.execution.max-log-entries} per canister. Entries of a
 * committed execution are written in its commit transaction; those of a failed one in their own.
 */
@Repository
public class LogStore {

    private final JdbcClient jdbc;
    private final int maxEntries;

    LogStore(JdbcClient jdbc, @Value("${canister.execution.max-log-entries:1000}") int maxEntries) {
        this.jdbc = jdbc;
        this.maxEntries = maxEntries;
    }

    /** Log entries kept per canister. */
    int maxEntries() {
        return maxEntries;
    }

    /** Appends entries to the canister's log (joining the caller's transaction) and drops the oldest past the cap. */
    @Transactional
    public void append(String canisterId, List<LogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        // Reserving the indexes locks the canister row: concurrent appends of one canister serialise here.
        long end = jdbc.sql("UPDATE canisters SET log_next_idx = log_next_idx + ? WHERE id = ? RETURNING log_next_idx")
                .params(entries.size(), canisterId)
                .query(Long.class)
                .single();
        long first = Math.max(end - entries.size(), end - maxEntries);
        List<LogEntry> kept = entries.subList(entries.size() - (int) (end - first), entries.size());
        for (int i = 0; i < kept.size(); i++) {
            LogEntry entry = kept.get(i);
            jdbc.sql("INSERT INTO canister_logs (canister_id, idx, time_nanos, kind, content) VALUES (?, ?, ?, ?, ?)")
                    .params(canisterId, first + i, entry.timeNanos(), entry.kind(),
                            entry.content().getBytes(StandardCharsets.UTF_8))
                    .update();
        }
        jdbc.sql("DELETE FROM canister_logs WHERE canister_id = ? AND idx < ?")
                .params(canisterId, end - maxEntries)
                .update();
    }

    /** The retained entries, oldest first. */
    @Transactional(readOnly = true)
    public List<LogEntry.Stored> list(String canisterId) {
        return jdbc.sql("SELECT idx, time_nanos, kind, content FROM canister_logs WHERE canister_id = ? ORDER BY idx")
                .param(canisterId)
                .query((rs, n) -> new LogEntry.Stored(rs.getLong(1), rs.getLong(2), rs.getString(3),
                        new String(rs.getBytes(4), StandardCharsets.UTF_8)))
                .list();
    }
}
