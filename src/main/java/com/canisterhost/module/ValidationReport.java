package com.canisterhost.module;

import java.util.List;

/**
 * What {@code POST /v1/modules/validate} answers: the verdict, and what the module declares.
 *
 * @param valid whether the module would install under {@code profile}
 * @param profile the determinism profile it was checked against
 * @param moduleHash hex sha256 of the uncompressed module, null if it could not be decoded
 * @param size bytes of the uncompressed module, 0 if it could not be decoded
 * @param problem why it is refused, null if valid
 * @param exports the methods and entry points it exports (empty if invalid)
 * @param imports the functions it imports, as {@code ic0.name}
 * @param memory64 whether its memory is 64-bit (a wasm64 module, whose System API pointers and sizes are i64)
 * @param memory its heap, null if it has none or is invalid
 * @param customSections its custom sections
 * @param candid the Candid interface it declares ({@code candid:service}), null if it declares none
 */
public record ValidationReport(
        boolean valid,
        String profile,
        String moduleHash,
        int size,
        Problem problem,
        Exports exports,
        List<String> imports,
        boolean memory64,
        Memory memory,
        List<CustomSection> customSections,
        Candid candid) {

    /** The rule a refused module breaks, and where. */
    public record Problem(String kind, String rule, String detail, ModuleLocation location) {}

    public record Exports(List<String> updates, List<String> queries, List<String> compositeQueries,
            List<String> system) {}

    /**
     * Heap size in 64 KiB pages, as the module declares it; {@code maximumPages} is null when it declares no maximum
     * (a 64-bit memory may declare up to 2^48 pages; it runs with at most the heap cap).
     */
    public record Memory(long initialPages, Long maximumPages, boolean imported) {}

    /**
     * The module's {@code candid:service}: its methods with their Candid types, or why it does not parse (the module
     * installs either way: the IC does not check metadata).
     */
    public record Candid(String visibility, List<CandidMethod> methods, String problem) {}

    /** A method of the interface: {@code kind} is update, query, composite_query or oneway. */
    public record CandidMethod(String name, String kind, String type) {}

    /** A custom section; {@code visibility} is public or private for {@code icp:} sections, else null. */
    public record CustomSection(String name, String visibility, int size) {}
}
