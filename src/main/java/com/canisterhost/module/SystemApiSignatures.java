package com.canisterhost.module;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The wasm32 signatures of every {@code ic0} function (interface spec table plus the legacy 32-bit table). A module
 * may import only these, each with exactly this type, as on the IC.
 */
public final class SystemApiSignatures {

    private static final Map<String, String> SIGNATURES = new LinkedHashMap<>();

    static {
        String blob = "i32 i32 i32 -> ";
        define("msg_arg_data_size", " -> i32");
        define("msg_arg_data_copy", blob);
        define("msg_caller_size", " -> i32");
        define("msg_caller_copy", blob);
        define("msg_caller_info_data_size", " -> i32");
        define("msg_caller_info_data_copy", blob);
        define("msg_caller_info_signer_size", " -> i32");
        define("msg_caller_info_signer_copy", blob);
        define("msg_reject_code", " -> i32");
        define("msg_reject_msg_size", " -> i32");
        define("msg_reject_msg_copy", blob);
        define("msg_deadline", " -> i64");
        define("msg_reply_data_append", "i32 i32 -> ");
        define("msg_reply", " -> ");
        define("msg_reject", "i32 i32 -> ");
        define("msg_cycles_available128", "i32 -> ");
        define("msg_cycles_refunded128", "i32 -> ");
        define("msg_cycles_accept128", "i64 i64 i32 -> ");
        define("cycles_burn128", "i64 i64 i32 -> ");
        define("canister_self_size", " -> i32");
        define("canister_self_copy", blob);
        define("canister_cycle_balance128", "i32 -> ");
        define("canister_liquid_cycle_balance128", "i32 -> ");
        define("canister_status", " -> i32");
        define("canister_version", " -> i64");
        define("subnet_self_size", " -> i32");
        define("subnet_self_copy", blob);
        define("msg_method_name_size", " -> i32");
        define("msg_method_name_copy", blob);
        define("accept_message", " -> ");
        define("call_new", "i32 i32 i32 i32 i32 i32 i32 i32 -> ");
        define("call_on_cleanup", "i32 i32 -> ");
        define("call_data_append", "i32 i32 -> ");
        define("call_with_best_effort_response", "i32 -> ");
        define("call_cycles_add128", "i64 i64 -> ");
        define("call_perform", " -> i32");
        define("stable64_size", " -> i64");
        define("stable64_grow", "i64 -> i64");
        define("stable64_write", "i64 i64 i64 -> ");
        define("stable64_read", "i64 i64 i64 -> ");
        define("root_key_size", " -> i32");
        define("root_key_copy", blob);
        define("certified_data_set", "i32 i32 -> ");
        define("data_certificate_present", " -> i32");
        define("data_certificate_size", " -> i32");
        define("data_certificate_copy", blob);
        define("time", " -> i64");
        define("global_timer_set", "i64 -> i64");
        define("performance_counter", "i32 -> i64");
        define("is_controller", "i32 i32 -> i32");
        define("in_replicated_execution", " -> i32");
        define("cost_call", "i64 i64 i32 -> ");
        define("cost_create_canister", "i32 -> ");
        define("cost_http_request", "i64 i64 i32 -> ");
        define("cost_sign_with_ecdsa", "i32 i32 i32 i32 -> i32");
        define("cost_sign_with_schnorr", "i32 i32 i32 i32 -> i32");
        define("cost_vetkd_derive_key", "i32 i32 i32 i32 -> i32");
        define("env_var_count", " -> i32");
        define("env_var_name_size", "i32 -> i32");
        define("env_var_name_copy", "i32 i32 i32 i32 -> ");
        define("env_var_name_exists", "i32 i32 -> i32");
        define("env_var_value_size", "i32 i32 -> i32");
        define("env_var_value_copy", "i32 i32 i32 i32 i32 -> ");
        define("debug_print", "i32 i32 -> ");
        define("trap", "i32 i32 -> ");
        // legacy, wasm32 only
        define("msg_cycles_available", " -> i64");
        define("msg_cycles_refunded", " -> i64");
        define("msg_cycles_accept", "i64 -> i64");
        define("canister_cycle_balance", " -> i64");
        define("call_cycles_add", "i64 -> ");
        define("stable_size", " -> i32");
        define("stable_grow", "i32 -> i32");
        define("stable_write", "i32 i32 i32 -> ");
        define("stable_read", "i32 i32 i32 -> ");
    }

    private SystemApiSignatures() {}

    private static void define(String name, String signature) {
        String[] sides = signature.split("->", -1);
        SIGNATURES.put(name, "(" + String.join(", ", sides[0].trim().split(" ")).trim() + ") -> ("
                + String.join(", ", sides[1].trim().split(" ")).trim() + ")");
    }

    /** The names of every {@code ic0} function, in the order of the interface spec's tables. */
    public static Set<String> names() {
        return java.util.Collections.unmodifiableSet(SIGNATURES.keySet());
    }

    /** The signature in the form {@code (i32, i32) -> (i64)}. */
    public static Optional<String> signature(String name) {
        return Optional.ofNullable(SIGNATURES.get(name));
    }

    /** A function type in the same form as {@link #signature}. */
    static String describe(java.util.List<?> params, java.util.List<?> results) {
        return "(" + params.stream().map(SystemApiSignatures::typeName).collect(Collectors.joining(", ")) + ") -> ("
                + results.stream().map(SystemApiSignatures::typeName).collect(Collectors.joining(", ")) + ")";
    }

    private static String typeName(Object valType) {
        return valType.toString().toLowerCase(java.util.Locale.ROOT);
    }
}
