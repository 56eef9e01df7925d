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
 * The registry row of a canister, as read. JPA only ever inserts it: every change (status, settings, Wasm state) is
 * a SQL statement on the canister's lane or fenced on its state, so a row read earlier can never be written back
 * over a newer one.
 */
@Entity
@Immutable
@Table(name = "canisters")
class CanisterEntity {

    @Id
    private String id;

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

    @Column(name = "cycles", updatable = false)
    private java.math.BigDecimal cycles;

    @JdbcTypeCode(SqlTypes.ARRAY)
    private String[] controllers;

    @Column(name = "log_visibility")
    private String logVisibility;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at", insertable = false)
    private Instant updatedAt;

    protected CanisterEntity() {}

    CanisterEntity(String id, String controller, java.math.BigInteger cycles, Instant now) {
        this(id, java.util.List.of(controller), cycles, now);
    }

    CanisterEntity(String id, java.util.List<String> controllers, java.math.BigInteger cycles, Instant now) {
        this.id = id;
        this.cycles = new java.math.BigDecimal(cycles);
        this.status = "running";
        this.controllers = controllers.toArray(String[]::new);
        this.logVisibility = "controllers";
        this.createdAt = now;
        this.updatedAt = now;
    }

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
