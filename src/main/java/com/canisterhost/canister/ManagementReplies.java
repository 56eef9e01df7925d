package com.canisterhost.canister;

import static com.canisterhost.canister.CandidEncoder.NAT;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The management canister's replies in Candid, by their types in the interface spec. */
final class ManagementReplies {

    private static final CandidEncoder.Type CANISTER_ID = new CandidEncoder.Record(Map.of("canister_id",
            CandidEncoder.PRINCIPAL));
    private static final List<String> ZERO_SETTINGS = List.of("compute_allocation", "memory_allocation",
            "freezing_threshold", "reserved_cycles_limit", "wasm_memory_limit", "wasm_memory_threshold");
    private static final List<String> QUERY_STATS = List.of("num_calls_total", "num_instructions_total",
            "request_payload_bytes_total", "response_payload_bytes_total");
    private static final CandidEncoder.Type STATUS = statusType();

    private ManagementReplies() {}

    /** {@code create_canister}'s {@code record { canister_id : principal }}. */
    static byte[] canisterId(String id) {
        return CandidEncoder.encode(CANISTER_ID, Map.of("canister_id", id));
    }

    /**
     * {@code canister_status}'s record: status, settings (controllers, log visibility, and as zero the allocations
     * and limits this host does not enforce), module hash, memory size and cycles, and as zero the reserved and
     * burned cycles and the query statistics this host does not keep.
     */
    static byte[] status(CanisterStatus status) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("controllers", status.controllers());
        settings.put("log_visibility", status.logVisibility());
        ZERO_SETTINGS.forEach(name -> settings.put(name, BigInteger.ZERO));
        Map<String, Object> queryStats = new LinkedHashMap<>();
        QUERY_STATS.forEach(name -> queryStats.put(name, BigInteger.ZERO));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("status", status.status());
        value.put("settings", settings);
        value.put("module_hash", Optional.ofNullable(status.moduleHash()).map(HexFormat.of()::parseHex));
        value.put("memory_size", BigInteger.valueOf(status.memorySize() + status.stableMemorySize()));
        value.put("cycles", new BigInteger(status.cycles()));
        value.put("reserved_cycles", BigInteger.ZERO);
        value.put("idle_cycles_burned_per_day", BigInteger.ZERO);
        value.put("query_stats", queryStats);
        return CandidEncoder.encode(STATUS, value);
    }

    private static CandidEncoder.Type statusType() {
        Map<String, CandidEncoder.Type> settings = new LinkedHashMap<>();
        settings.put("controllers", new CandidEncoder.Vec(CandidEncoder.PRINCIPAL));
        settings.put("log_visibility", new CandidEncoder.Variant(List.of("controllers", "public")));
        ZERO_SETTINGS.forEach(name -> settings.put(name, NAT));
        Map<String, CandidEncoder.Type> queryStats = new LinkedHashMap<>();
        QUERY_STATS.forEach(name -> queryStats.put(name, NAT));
        Map<String, CandidEncoder.Type> fields = new LinkedHashMap<>();
        fields.put("status", new CandidEncoder.Variant(List.of("running", "stopping", "stopped")));
        fields.put("settings", new CandidEncoder.Record(settings));
        fields.put("module_hash", new CandidEncoder.Opt(CandidEncoder.BLOB));
        fields.put("memory_size", NAT);
        fields.put("cycles", NAT);
        fields.put("reserved_cycles", NAT);
        fields.put("idle_cycles_burned_per_day", NAT);
        fields.put("query_stats", new CandidEncoder.Record(queryStats));
        return new CandidEncoder.Record(fields);
    }
}
