package com.canisterhost.execution;

/**
 * What an upgrade does with the Wasm heap (the IC's {@code wasm_memory_persistence} upgrade option). Canisters built
 * for enhanced orthogonal persistence (Motoko's {@code persistent actor}, marked by the custom section
 * {@code icp:private enhanced-orthogonal-persistence}) keep their heap and must say so; the default, as on the IC, is
 * to start the heap over.
 */
public enum WasmMemoryPersistence {
    /** The heap is kept; the new module's active data segments are written into it, its globals start over. */
    KEEP,
    /** The heap starts over from the new module. */
    REPLACE
}
