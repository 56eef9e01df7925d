package com.canisterhost.module;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How modules are accepted. Defaults follow the IC's limits (docs/design.md, Module validation).
 *
 * @param maxSize cap on a module, uncompressed (and on a gzip upload before inflating)
 * @param profile the determinism profile of installs that do not name one
 * @param engine {@code compiler} (Chicory's Wasm-to-JVM-bytecode compiler, compiled once per module) or
 *     {@code interpreter}
 * @param cachedModules how many parsed (and compiled) modules are kept in memory
 * @param limits structural caps
 * @param maxConcurrentPreparations uploads decoded, validated and instrumented at once (installs and dry runs
 *     together; 0: the core count, at least 2); one more is refused at once with 503
 * @param maxValidationSize cap on a dry run's upload ({@code POST /v1/modules/validate}), before inflating
 */
@ConfigurationProperties("canister.module")
public record ModuleProperties(
        @DefaultValue("100MB") DataSize maxSize,
        @DefaultValue("strict") DeterminismProfile profile,
        @DefaultValue("compiler") Engine engine,
        @DefaultValue("64") int cachedModules,
        @DefaultValue Limits limits,
        @DefaultValue("0") int maxConcurrentPreparations,
        @DefaultValue("10MB") DataSize maxValidationSize) {

    /** The permits {@link ModuleService} hands out for decoding and validating uploads. */
    int preparationPermits() {
        return maxConcurrentPreparations > 0 ? maxConcurrentPreparations
                : Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** How Wasm code is executed; metering makes both give the same results and instruction counts. */
    public enum Engine {
        COMPILER,
        INTERPRETER
    }

    /**
     * @param maxCodeSectionSize bytes of the code section
     * @param maxFunctions functions, imported and defined
     * @param maxGlobals globals
     * @param maxExportedMethods exported update, query and composite query methods
     * @param maxExportedNameBytes total bytes of those method names
     * @param maxFunctionInstructions instructions in one function body
     * @param maxHeapPages initial (and any declared maximum) heap in 64 KiB pages; 32768 is Chicory's 2 GiB
     * @param maxTableSize entries of a table, initial and declared maximum
     * @param maxCustomSections custom sections named {@code icp:...}
     * @param maxCustomSectionBytes total bytes (names and contents) of the {@code icp:} sections
     */
    public record Limits(
            @DefaultValue("10MB") DataSize maxCodeSectionSize,
            @DefaultValue("50000") int maxFunctions,
            @DefaultValue("1000") int maxGlobals,
            @DefaultValue("1000") int maxExportedMethods,
            @DefaultValue("20000") int maxExportedNameBytes,
            @DefaultValue("1000000") int maxFunctionInstructions,
            @DefaultValue("32768") int maxHeapPages,
            @DefaultValue("1000000") int maxTableSize,
            @DefaultValue("16") int maxCustomSections,
            @DefaultValue("1MB") DataSize maxCustomSectionBytes) {

        /** The IC's limits, the same as the defaults above (for code that builds a validator without Spring). */
        public static Limits ic() {
            return new Limits(DataSize.ofMegabytes(10), 50_000, 1_000, 1_000, 20_000, 1_000_000, 32_768, 1_000_000,
                    16, DataSize.ofMegabytes(1));
        }
    }
}
