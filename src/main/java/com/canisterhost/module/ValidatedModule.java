package com.canisterhost.module;

import com.dylibso.chicory.wasm.WasmModule;
import java.util.HexFormat;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A module that passed validation and was instrumented, ready to instantiate.
 *
 * @param hash sha256 of the uncompressed module bytes (the content address)
 * @param bytes the uncompressed module as uploaded
 * @param instrumented the metered module the host runs (its start section neutralised)
 * @param module {@code instrumented}, parsed
 * @param profile the determinism profile it was validated under
 * @param memory64 whether its memory is 64-bit (a wasm64 module: {@code instrumented} runs it lowered to 32-bit
 *     addresses, and its System API imports take and return i64 pointers and sizes)
 * @param metering where the instrumentation's globals are
 * @param startFunction the Wasm start function, which the host runs once per fresh instance at install/upgrade,
 *     never again when the canister is restored from its persisted state
 * @param updateMethods names exported as {@code canister_update <name>}
 * @param queryMethods names exported as {@code canister_query <name>}
 * @param compositeQueryMethods names exported as {@code canister_composite_query <name>}
 * @param systemExports the bare entry points it exports ({@code canister_init}, ...)
 */
public record ValidatedModule(
        byte[] hash,
        byte[] bytes,
        byte[] instrumented,
        WasmModule module,
        DeterminismProfile profile,
        boolean memory64,
        Metering metering,
        OptionalInt startFunction,
        Set<String> updateMethods,
        Set<String> queryMethods,
        Set<String> compositeQueryMethods,
        Set<String> systemExports) {

    public String hashHex() {
        return HexFormat.of().formatHex(hash);
    }

    public boolean exports(String systemEntryPoint) {
        return systemExports.contains(systemEntryPoint);
    }

    /**
     * The Candid interface the module declares, as moc and the Rust CDK embed it: the {@code candid:service}
     * metadata, in an {@code icp:public} or {@code icp:private} custom section (private: shown to controllers only).
     */
    public java.util.Optional<CandidMetadata> candidService() {
        for (boolean isPublic : new boolean[] {true, false}) {
            var section = module.customSection((isPublic ? "icp:public " : "icp:private ") + "candid:service");
            if (section instanceof com.dylibso.chicory.wasm.types.UnknownCustomSection raw) {
                return java.util.Optional.of(new CandidMetadata(
                        new String(raw.bytes(), java.nio.charset.StandardCharsets.UTF_8), isPublic));
            }
        }
        return java.util.Optional.empty();
    }

    /** A module's {@code candid:service} text and whether anyone may read it. */
    public record CandidMetadata(String text, boolean isPublic) {}

    /** The custom section that marks a module built for enhanced orthogonal persistence (as Motoko's are). */
    public static final String ENHANCED_ORTHOGONAL_PERSISTENCE = "icp:private enhanced-orthogonal-persistence";

    /** Whether it expects its heap to be kept across upgrades (the IC looks for the same custom section). */
    public boolean usesEnhancedOrthogonalPersistence() {
        return module.customSection(ENHANCED_ORTHOGONAL_PERSISTENCE) != null;
    }
}
