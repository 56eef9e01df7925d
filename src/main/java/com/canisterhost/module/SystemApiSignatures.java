package com.canisterhost.module;

import com.dylibso.chicory.wasm.types.ValType;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The signatures of every {@code ic0} function (the interface spec's table, in which pointers and sizes have the
 * type {@code I}, plus the legacy table that exists only where {@code I} is i32). {@code I} is i64 in a module whose
 * memory is 64-bit, else i32 (also without a memory). A module may import only these, each with exactly the type
 * for its memory, as on the IC.
 */
public final class SystemApiSignatures {

    /** What a parameter or result is, for its Wasm type and for how the host passes a 64-bit one on. */
    public enum Kind {
        I32,
        I64,
        /** Of type {@code I}: a heap address, a size or an offset; as an i64, 2^32 or more is past every heap. */
        ADDRESS,
        /** Of type {@code I}: an index or a function; as an i64, 2^32 or more names nothing. */
        INDEX,
        /** Of type {@code I}: a value the canister gets back later (a callback's {@code env}), never looked at. */
        OPAQUE,
        /** Always i64, and a heap address ({@code stable64_read}'s dst, {@code stable64_write}'s src). */
        HEAP_ADDRESS_64;

        /** The Wasm type in a module whose memory is 64-bit ({@code memory64}) or not. */
        public ValType type(boolean memory64) {
            return switch (this) {
                case I32 -> ValType.I32;
                case I64, HEAP_ADDRESS_64 -> ValType.I64;
                default -> memory64 ? ValType.I64 : ValType.I32;
            };
        }
    }

    /** A function's parameters and results; {@code legacy} ones exist only where {@code I} is i32. */
    public record Signature(List<Kind> params, List<Kind> results, boolean legacy) {

        public List<ValType> paramTypes(boolean memory64) {
            return params.stream().map(k -> k.type(memory64)).toList();
        }

        public List<ValType> resultTypes(boolean memory64) {
            return results.stream().map(k -> k.type(memory64)).toList();
        }

        /** In the form {@code (i32, i32) -> (i64)}. */
        public String describe(boolean memory64) {
            return SystemApiSignatures.describe(paramTypes(memory64), resultTypes(memory64));
        }
    }

    private static final Map<String, Signature> SIGNATURES = new LinkedHashMap<>();
    private static final Map<String, String> LEGACY_SUCCESSORS = Map.of("msg_cycles_available",
            "msg_cycles_available128", "msg_cycles_refunded", "msg_cycles_refunded128", "msg_cycles_accept",
            "msg_cycles_accept128", "canister_cycle_balance", "canister_cycle_balance128", "call_cycles_add",
            "call_cycles_add128", "stable_size", "stable64_size", "stable_grow", "stable64_grow", "stable_write",
            "stable64_write", "stable_read", "stable64_read");

    static {
        String blob = "I I I -> ";
        define("msg_arg_data_size", " -> I");
        define("msg_arg_data_copy", blob);
        define("msg_caller_size", " -> I");
        define("msg_caller_copy", blob);
        define("msg_caller_info_data_size", " -> I");
        define("msg_caller_info_data_copy", blob);
        define("msg_caller_info_signer_size", " -> I");
        define("msg_caller_info_signer_copy", blob);
        define("msg_reject_code", " -> i32");
        define("msg_reject_msg_size", " -> I");
        define("msg_reject_msg_copy", blob);
        define("msg_deadline", " -> i64");
        define("msg_reply_data_append", "I I -> ");
        define("msg_reply", " -> ");
        define("msg_reject", "I I -> ");
        define("msg_cycles_available128", "I -> ");
        define("msg_cycles_refunded128", "I -> ");
        define("msg_cycles_accept128", "i64 i64 I -> ");
        define("cycles_burn128", "i64 i64 I -> ");
        define("canister_self_size", " -> I");
        define("canister_self_copy", blob);
        define("canister_cycle_balance128", "I -> ");
        define("canister_liquid_cycle_balance128", "I -> ");
        define("canister_status", " -> i32");
        define("canister_version", " -> i64");
        define("subnet_self_size", " -> I");
        define("subnet_self_copy", blob);
        define("msg_method_name_size", " -> I");
        define("msg_method_name_copy", blob);
        define("accept_message", " -> ");
        define("call_new", "I I I I Ix Ie Ix Ie -> ");
        define("call_on_cleanup", "Ix Ie -> ");
        define("call_data_append", "I I -> ");
        define("call_with_best_effort_response", "i32 -> ");
        define("call_cycles_add128", "i64 i64 -> ");
        define("call_perform", " -> i32");
        define("stable64_size", " -> i64");
        define("stable64_grow", "i64 -> i64");
        define("stable64_write", "i64 a64 i64 -> ");
        define("stable64_read", "a64 i64 i64 -> ");
        define("root_key_size", " -> I");
        define("root_key_copy", blob);
        define("certified_data_set", "I I -> ");
        define("data_certificate_present", " -> i32");
        define("data_certificate_size", " -> I");
        define("data_certificate_copy", blob);
        define("time", " -> i64");
        define("global_timer_set", "i64 -> i64");
        define("performance_counter", "i32 -> i64");
        define("is_controller", "I I -> i32");
        define("in_replicated_execution", " -> i32");
        define("cost_call", "i64 i64 I -> ");
        define("cost_create_canister", "I -> ");
        define("cost_http_request", "i64 i64 I -> ");
        define("cost_sign_with_ecdsa", "I I i32 I -> i32");
        define("cost_sign_with_schnorr", "I I i32 I -> i32");
        define("cost_vetkd_derive_key", "I I i32 I -> i32");
        define("env_var_count", " -> I");
        define("env_var_name_size", "Ix -> I");
        define("env_var_name_copy", "Ix I I I -> ");
        define("env_var_name_exists", "I I -> i32");
        define("env_var_value_size", "I I -> I");
        define("env_var_value_copy", "I I I I I -> ");
        define("debug_print", "I I -> ");
        define("trap", "I I -> ");
        // the legacy table: only where I is i32
        legacy("msg_cycles_available", " -> i64");
        legacy("msg_cycles_refunded", " -> i64");
        legacy("msg_cycles_accept", "i64 -> i64");
        legacy("canister_cycle_balance", " -> i64");
        legacy("call_cycles_add", "i64 -> ");
        legacy("stable_size", " -> i32");
        legacy("stable_grow", "i32 -> i32");
        legacy("stable_write", "i32 i32 i32 -> ");
        legacy("stable_read", "i32 i32 i32 -> ");
    }

    private SystemApiSignatures() {}

    private static void define(String name, String signature) {
        put(name, signature, false);
    }

    private static void legacy(String name, String signature) {
        put(name, signature, true);
    }

    private static void put(String name, String signature, boolean legacy) {
        String[] sides = signature.split("->", -1);
        SIGNATURES.put(name, new Signature(kinds(sides[0]), kinds(sides[1]), legacy));
    }

    private static List<Kind> kinds(String list) {
        return Arrays.stream(list.trim().split(" ")).filter(t -> !t.isEmpty()).map(t -> switch (t) {
            case "i32" -> Kind.I32;
            case "i64" -> Kind.I64;
            case "I" -> Kind.ADDRESS;
            case "Ix" -> Kind.INDEX;
            case "Ie" -> Kind.OPAQUE;
            case "a64" -> Kind.HEAP_ADDRESS_64;
            default -> throw new IllegalArgumentException(t);
        }).toList();
    }

    /** The names of every {@code ic0} function, in the order of the interface spec's tables. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(SIGNATURES.keySet());
    }

    public static Optional<Signature> of(String name) {
        return Optional.ofNullable(SIGNATURES.get(name));
    }

    /** The wasm32 signature in the form {@code (i32, i32) -> (i64)}. */
    public static Optional<String> signature(String name) {
        return of(name).map(s -> s.describe(false));
    }

    /** What a 64-bit module imports instead of a legacy function. */
    static String successor(String legacyName) {
        return LEGACY_SUCCESSORS.get(legacyName);
    }

    /** A function type in the same form as {@link #signature}. */
    static String describe(List<?> params, List<?> results) {
        return "(" + params.stream().map(SystemApiSignatures::typeName).collect(Collectors.joining(", ")) + ") -> ("
                + results.stream().map(SystemApiSignatures::typeName).collect(Collectors.joining(", ")) + ")";
    }

    private static String typeName(Object valType) {
        return valType.toString().toLowerCase(java.util.Locale.ROOT);
    }
}
