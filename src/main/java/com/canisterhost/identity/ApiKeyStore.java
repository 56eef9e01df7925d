package com.canisterhost.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code api_keys} table: SHA-256 of each key, its principal, name and revocation time. */
@Repository
class ApiKeyStore {

    private final JdbcTemplate jdbc;

    ApiKeyStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String principal, byte[] keyHash, String name, Instant createdAt) {
        jdbc.update("INSERT INTO api_keys (principal, key_hash, name, created_at) VALUES (?, ?, ?, ?)",
                principal, keyHash, name, Timestamp.from(createdAt));
    }

    /** The principal of a valid (not revoked) key with this hash. */
    Optional<String> principalOf(byte[] keyHash) {
        return jdbc.query("SELECT principal FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
                (rs, row) -> rs.getString(1), keyHash).stream().findFirst();
    }

    List<ApiKey> list() {
        return jdbc.query("SELECT principal, name, created_at, revoked_at FROM api_keys ORDER BY created_at, principal",
                ApiKeyStore::apiKey);
    }

    Optional<ApiKey> find(String principal) {
        return jdbc.query("SELECT principal, name, created_at, revoked_at FROM api_keys WHERE principal = ?",
                ApiKeyStore::apiKey, principal).stream().findFirst();
    }

    /** Revokes the key; revoking twice keeps the first revocation time. */
    boolean revoke(String principal, Instant now) {
        return jdbc.update("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE principal = ?",
                Timestamp.from(now), principal) > 0;
    }

    private static ApiKey apiKey(ResultSet rs, int row) throws SQLException {
        Timestamp revoked = rs.getTimestamp(4);
        return new ApiKey(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                revoked == null ? null : revoked.toInstant());
    }
}
