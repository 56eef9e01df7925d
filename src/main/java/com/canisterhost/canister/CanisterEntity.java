package com.canisterhost.canister;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * The registry row of a canister, as read. JPA never writes it: the row is created and changed by
 * {@code state.CanisterRows} and the commits, on the canister's lane or fenced on its state, so a row read earlier
 * can never be written back over a newer one.
 */
@Entity
@Immutable
@Table(name = "canisters")
class CanisterEntity {

    @Id
    private String id;

    @Column(name = "status", insertable = false, updatable = false)
    private String status;

    @Column(name = "module_hash", insertable = false, updatable = false)
    private byte[] moduleHash;

    @Column(name = "profile", insertable = false, updatable = false)
    private String profile;

    @Column(name = "state_version", insertable = false, updatable = false)
    private long stateVersion;

    @Column(name = "instructions_total", insertable = false, updatable = false)
    private long instructionsTotal;

    @Column(name = "heap_pages", insertable = false, updatable = false)
    private int heapPages;

    @Column(name = "stable_pages", insertable = false, updatable = false)
    private long stablePages;

    @Column(name = "cycles", insertable = false, updatable = false)
    private java.math.BigDecimal cycles;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "controllers", insertable = false, updatable = false)
    private String[] controllers;

    @Column(name = "log_visibility", insertable = false, updatable = false)
    private String logVisibility;

    @Column(name = "created_at", insertable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", insertable = false, updatable = false)
    private Instant updatedAt;

    protected CanisterEntity() {}

    String id() {
        return id;
    }

    String status() {
        return status;
    }

    java.util.List<String> controllers() {
        return java.util.List.of(controllers);
    }

    String profile() {
        return profile;
    }

    String logVisibility() {
        return logVisibility;
    }

    byte[] moduleHash() {
        return moduleHash;
    }

    boolean isEmpty() {
        return moduleHash == null;
    }

    /** The status, with the bytes of memory pages stored for the canister (computed only for status). */
    CanisterStatus toStatus(long persistedBytes) {
        return new CanisterStatus(id, status, moduleHash == null ? null : java.util.HexFormat.of().formatHex(moduleHash),
                profile, heapPages * 65536L, stablePages * 65536L, persistedBytes, stateVersion, instructionsTotal,
                cycles.toBigIntegerExact().toString(), java.util.List.of(controllers), logVisibility, createdAt,
                updatedAt == null ? createdAt : updatedAt);
    }
}
