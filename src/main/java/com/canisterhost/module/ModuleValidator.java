package com.canisterhost.module;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Decides whether a module may be installed: Chicory parses and type-checks it, then the host's rules apply
 * (resource caps, imports only from {@code ic0} with the System API's exact signatures, well-formed entry points,
 * the determinism profile). Every refusal names the rule and where in the module it is broken.
 */
final class ModuleValidator {

    static final Set<String> SYSTEM_ENTRY_POINTS = Set.of("canister_init", "canister_pre_upgrade",
            "canister_post_upgrade", "canister_inspect_message", "canister_heartbeat", "canister_global_timer",
            "canister_on_low_wasm_memory");
    static final Set<String> RESERVED_EXPORTS = Set.of("canister_start", "canister counter_instructions",
            "canister counter_dirty_pages", "canister counter_accessed_pages");
    private static final String UPDATE_PREFIX = "canister_update ";
    private static final String QUERY_PREFIX = "canister_query ";
    private static final String COMPOSITE_QUERY_PREFIX = "canister_composite_query ";

    private final Predicate<String> implemented;
    private final ModuleProperties.Limits limits;

    ModuleValidator(Predicate<String> implemented, ModuleProperties.Limits limits) {
        this.implemented = implemented;
        this.limits = limits;
    }

    ValidatedModule validate(byte[] wasm, DeterminismProfile profile) {
        return validate(wasm, sha256(wasm), profile);
    }

    /** Validates {@code wasm}, whose sha256 the caller already computed, and instruments it. */
    ValidatedModule validate(byte[] wasm, byte[] hash, DeterminismProfile profile) {
        SectionMap sections = SectionMap.scan(wasm);
        StructureCheck.checkCodeSize(sections, limits);
        Prepared runnable = prepare(sections);
        WasmModule module = runnable.module();
        FunctionNames names = new FunctionNames(module);
        OptionalInt start = sections.startFunction();
        checkStart(module, sections, start);
        StructureCheck.check(module, sections, limits, names, runnable.lowering().inserted());
        checkImports(module, runnable.lowering().memory64());
        Exports exports = checkExports(module);
        try {
            DeterminismCheck.check(module, profile, names, runnable.sections().functionBodyOffsets());
        } catch (InvalidModuleException e) {
            throw runnable.lowering().relocate(e);
        }
        return instrument(hash, wasm, runnable, profile, start, exports);
    }

    /** Re-instruments a module that passed validation when it was installed (lowering it again if it is wasm64). */
    ValidatedModule reload(byte[] wasm, byte[] hash, DeterminismProfile profile) {
        SectionMap sections = SectionMap.scan(wasm);
        Prepared runnable = prepare(sections);
        return instrument(hash, wasm, runnable, profile, sections.startFunction(), checkExports(runnable.module()));
    }

    /**
     * Wraps an instrumented module stored earlier (same cost table) without instrumenting again: its bytes are
     * already lowered, so only the original's memory width is read.
     */
    ValidatedModule restore(byte[] wasm, byte[] hash, byte[] instrumented, DeterminismProfile profile,
            OptionalInt start) {
        WasmModule module = Parser.parse(instrumented);
        int globals = module.globalSection().globalCount();
        Metering metering = new Metering(CostTable.VERSION, globals - 2, globals - 2, globals - 1);
        // instrumentation leaves the exports as they were
        return module(hash, wasm, instrumented, module, profile, ModuleShape.isMemory64(wasm), metering, start,
                checkExports(module));
    }

    /** The module the host runs, before metering: its start section neutralised, lowered if wasm64, parsed. */
    private record Prepared(SectionMap sections, Memory64Lowering.Result lowering, WasmModule module) {}

    /** Neutralises, lowers and parses; a problem Chicory finds is located in the module as uploaded. */
    private Prepared prepare(SectionMap uploaded) {
        SectionMap neutralised = SectionMap.scan(uploaded.withStartNeutralized());
        Memory64Lowering.Result lowering = Memory64Lowering.lower(neutralised, limits);
        SectionMap sections = lowering.lowered() ? SectionMap.scan(lowering.bytes()) : neutralised;
        try {
            return new Prepared(sections, lowering, parse(sections.bytes(), sections));
        } catch (InvalidModuleException e) {
            throw lowering.relocate(e);
        }
    }

    private ValidatedModule instrument(byte[] hash, byte[] wasm, Prepared runnable, DeterminismProfile profile,
            OptionalInt start, Exports exports) {
        Memory64Lowering.Result lowering = runnable.lowering();
        Instrumenter.Result result = Instrumenter.instrument(runnable.sections(), runnable.module(), profile,
                new CostTable.Weights(lowering.inserted(), lowering.memory64()));
        WasmModule instrumented;
        try {
            instrumented = Parser.parse(result.bytes());
        } catch (ChicoryException e) {
            throw new IllegalStateException("instrumentation produced an invalid module: " + e.getMessage(), e);
        }
        return module(hash, wasm, result.bytes(), instrumented, profile, lowering.memory64(), result.metering(), start,
                exports);
    }

    private static ValidatedModule module(byte[] hash, byte[] wasm, byte[] instrumented, WasmModule module,
            DeterminismProfile profile, boolean memory64, Metering metering, OptionalInt start, Exports exports) {
        return new ValidatedModule(hash, wasm, instrumented, module, profile, memory64, metering, start,
                exports.updates, exports.queries, exports.compositeQueries, exports.system);
    }

    private WasmModule parse(byte[] wasm, SectionMap sections) {
        try {
            return Parser.parse(wasm);
        } catch (MalformedException e) {
            throw new InvalidModuleException(InvalidModuleException.Kind.MALFORMED, "section-content",
                    malformedSection(wasm, sections), "malformed: " + e.getMessage());
        } catch (InvalidException e) {
            throw new InvalidModuleException(InvalidModuleException.Kind.INVALID, "type-check",
                    invalidFunction(sections), "invalid: " + e.getMessage());
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidModuleException(InvalidModuleException.Kind.MALFORMED, "section-content",
                    malformedSection(wasm, sections), "malformed: " + e.getMessage());
        } catch (RuntimeException | AssertionError e) {
            // Chicory's parser trips over some malformed code (unbalanced blocks: a NullPointerException, or an
            // assertion when assertions are on); its message says nothing useful to a client
            throw new InvalidModuleException(InvalidModuleException.Kind.MALFORMED, "section-content",
                    malformedSection(wasm, sections), "malformed: the code section's control structure is broken");
        }
    }

    /** The section the parser failed in: the one after the last section it delivered whole. */
    private static ModuleLocation malformedSection(byte[] wasm, SectionMap sections) {
        AtomicInteger parsed = new AtomicInteger();
        try {
            Parser.builder().withValidation(false).build()
                    .parse(new ByteArrayInputStream(wasm), section -> parsed.incrementAndGet());
        } catch (RuntimeException | AssertionError expected) {
            // the same failure again; we only wanted the count of sections before it
        }
        int failed = parsed.get();
        return failed < sections.sections().size() ? SectionMap.location(sections.sections().get(failed))
                : ModuleLocation.MODULE;
    }

    /**
     * Chicory does not say which function failed to type-check, so find it by bisection: stub out half of the
     * bodies and see whether the module validates. Only runs on the error path.
     */
    private static ModuleLocation invalidFunction(SectionMap sections) {
        try {
            return bisect(sections);
        } catch (RuntimeException | AssertionError e) {
            return ModuleLocation.MODULE; // a body the stubbing cannot even frame: no location better than this
        }
    }

    private static ModuleLocation bisect(SectionMap sections) {
        int bodies = sections.functionBodyOffsets().length;
        if (bodies == 0 || !validates(sections.withStubbedBodies(0, bodies))) {
            return ModuleLocation.MODULE; // not in a function body: types, globals, elements, ...
        }
        int lo = 0;
        int hi = bodies; // the first failing body is in [lo, hi)
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (validates(sections.withStubbedBodies(mid, bodies))) {
                lo = mid; // every failing body is at mid or after
            } else {
                hi = mid; // one before mid still fails
            }
        }
        WasmModule shape = Parser.builder().withValidation(false).build().parse(() ->
                new ByteArrayInputStream(sections.withStubbedBodies(0, bodies)));
        FunctionNames names = new FunctionNames(shape);
        int function = names.importedFunctions() + lo;
        return new ModuleLocation("code", function, names.of(function), sections.functionBodyOffsets()[lo]);
    }

    private static boolean validates(byte[] wasm) {
        try {
            Parser.parse(wasm);
            return true;
        } catch (RuntimeException | AssertionError e) {
            return false;
        }
    }

    private static void checkStart(WasmModule module, SectionMap sections, OptionalInt start) {
        if (start.isEmpty()) {
            return;
        }
        ModuleLocation where = sections.section(SectionMap.START).map(SectionMap::location).orElseThrow();
        int imported = module.importSection().count(ExternalType.FUNCTION);
        int index = start.getAsInt();
        if (index >= imported + module.functionSection().functionCount()) {
            throw new InvalidModuleException(InvalidModuleException.Kind.INVALID, "start-function", where,
                    "start function " + index + " does not exist");
        }
        FunctionType type = functionType(module, index);
        if (!type.params().isEmpty() || !type.returns().isEmpty()) {
            throw new InvalidModuleException(InvalidModuleException.Kind.INVALID, "start-function", where,
                    "the start function must have type () -> ()");
        }
    }

    /** Function imports go by the memory's width: with a 64-bit memory, {@code I} is i64. */
    private void checkImports(WasmModule module, boolean memory64) {
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            String qualified = imp.module() + "." + imp.name();
            ModuleLocation where = new ModuleLocation("import", i, qualified, null);
            switch (imp.importType()) {
                case FUNCTION -> checkFunctionImport(module, (FunctionImport) imp, where, memory64);
                case MEMORY -> {
                    if (!qualified.equals("env.memory")) {
                        throw importProblem("import-memory-name", where,
                                "a memory may be imported only as env.memory");
                    }
                }
                case TABLE -> {
                    if (!qualified.equals("env.table")) {
                        throw importProblem("import-table-name", where, "a table may be imported only as env.table");
                    }
                }
                default -> throw importProblem("import-" + imp.importType().name().toLowerCase(java.util.Locale.ROOT),
                        where, imp.importType().name().toLowerCase(java.util.Locale.ROOT)
                                + " imports are not allowed");
            }
        }
    }

    private void checkFunctionImport(WasmModule module, FunctionImport function, ModuleLocation where,
            boolean memory64) {
        if (!"ic0".equals(function.module())) {
            throw importProblem("import-module", where, "canisters may import functions only from the System API "
                    + "module 'ic0'");
        }
        SystemApiSignatures.Signature signature = SystemApiSignatures.of(function.name()).orElseThrow(() ->
                importProblem("import-unknown", where, "ic0." + function.name() + " is not a System API function"));
        if (memory64 && signature.legacy()) {
            throw importProblem("import-wasm32-only", where, "ic0." + function.name() + " belongs to the legacy "
                    + "System API, which exists only for 32-bit memories; a module with a 64-bit memory imports ic0."
                    + SystemApiSignatures.successor(function.name()) + " instead");
        }
        String expected = signature.describe(memory64);
        FunctionType type = module.typeSection().getType(function.typeIndex());
        String actual = SystemApiSignatures.describe(type.params(), type.returns());
        if (!expected.equals(actual)) {
            String width = signature.describe(!memory64).equals(expected) ? ""
                    : memory64 ? " for a 64-bit memory" : " for a 32-bit memory";
            throw importProblem("import-signature", where, "ic0." + function.name() + " has type " + actual
                    + " but the System API defines " + expected + width);
        }
        if (!implemented.test(function.name())) {
            throw importProblem("import-unimplemented", where, "ic0." + function.name()
                    + " is not implemented by this host yet");
        }
    }

    private static InvalidModuleException importProblem(String rule, ModuleLocation where, String message) {
        return new InvalidModuleException(InvalidModuleException.Kind.IMPORT, rule, where, message);
    }

    private record Exports(Set<String> updates, Set<String> queries, Set<String> compositeQueries,
            Set<String> system) {}

    private Exports checkExports(WasmModule module) {
        Set<String> updates = new LinkedHashSet<>();
        Set<String> queries = new LinkedHashSet<>();
        Set<String> composite = new LinkedHashSet<>();
        Set<String> system = new LinkedHashSet<>();
        Set<String> methods = new LinkedHashSet<>();
        long nameBytes = 0;
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            Export export = exports.getExport(i);
            String name = export.name();
            ModuleLocation where = new ModuleLocation("export", i, name, null);
            checkExportIndex(module, export, where);
            if (RESERVED_EXPORTS.contains(name)) {
                throw exportProblem("reserved-name", where, "'" + name + "' is reserved for the host");
            }
            if (!name.startsWith("canister_")) {
                continue;
            }
            String method = method(name);
            if (method == null && !SYSTEM_ENTRY_POINTS.contains(name)) {
                throw exportProblem("reserved-prefix", where, "the canister_ prefix is reserved for System API entry "
                        + "points (canister_update <name>, canister_query <name>, canister_init, ...)");
            }
            if (export.exportType() != ExternalType.FUNCTION) {
                throw exportProblem("entry-point-kind", where, "entry points must be functions, not "
                        + export.exportType().name().toLowerCase(java.util.Locale.ROOT) + "s");
            }
            FunctionType type = functionType(module, export.index());
            if (!type.params().isEmpty() || !type.returns().isEmpty()) {
                throw exportProblem("entry-point-type", where, "entry points must have type () -> (), not "
                        + SystemApiSignatures.describe(type.params(), type.returns()));
            }
            if (method == null) {
                system.add(name);
                continue;
            }
            if (!methods.add(method)) {
                throw exportProblem("duplicate-method", where, "method '" + method
                        + "' is exported more than once (as update, query or composite query)");
            }
            (name.startsWith(UPDATE_PREFIX) ? updates : name.startsWith(QUERY_PREFIX) ? queries : composite)
                    .add(method);
            nameBytes += method.getBytes(StandardCharsets.UTF_8).length;
            if (methods.size() > limits.maxExportedMethods()) {
                throw new InvalidModuleException(InvalidModuleException.Kind.LIMIT, "exported-methods", where,
                        "more than " + limits.maxExportedMethods() + " exported methods");
            }
            if (nameBytes > limits.maxExportedNameBytes()) {
                throw new InvalidModuleException(InvalidModuleException.Kind.LIMIT, "exported-name-bytes", where,
                        "exported method names total more than " + limits.maxExportedNameBytes() + " bytes");
            }
        }
        return new Exports(Set.copyOf(updates), Set.copyOf(queries), Set.copyOf(composite), Set.copyOf(system));
    }

    /** Chicory's parser takes an export's index as it comes; one past the end would fail later, at instantiation. */
    private static void checkExportIndex(WasmModule module, Export export, ModuleLocation where) {
        var imports = module.importSection();
        long count = switch (export.exportType()) {
            case FUNCTION -> imports.count(ExternalType.FUNCTION) + module.functionSection().functionCount();
            case GLOBAL -> imports.count(ExternalType.GLOBAL) + module.globalSection().globalCount();
            case MEMORY -> imports.count(ExternalType.MEMORY) + (module.memorySection().isPresent() ? 1 : 0);
            case TABLE -> imports.count(ExternalType.TABLE) + module.tableSection().tableCount();
            case TAG -> imports.count(ExternalType.TAG) + module.tagSection().map(t -> t.tagCount()).orElse(0);
        };
        if (Integer.toUnsignedLong(export.index()) >= count) {
            throw new InvalidModuleException(InvalidModuleException.Kind.INVALID, "export-index", where, "the export "
                    + "refers to " + export.exportType().name().toLowerCase(java.util.Locale.ROOT) + " "
                    + Integer.toUnsignedLong(export.index()) + ", but the module has " + count);
        }
    }

    /** The method name of a {@code canister_update/query/composite_query <name>} export, else null. */
    private static String method(String export) {
        for (String prefix : new String[] {UPDATE_PREFIX, QUERY_PREFIX, COMPOSITE_QUERY_PREFIX}) {
            if (export.startsWith(prefix)) {
                return export.substring(prefix.length());
            }
        }
        return null;
    }

    private static InvalidModuleException exportProblem(String rule, ModuleLocation where, String message) {
        return new InvalidModuleException(InvalidModuleException.Kind.EXPORT, rule, where, message);
    }

    private static FunctionType functionType(WasmModule module, int index) {
        int seen = 0;
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof FunctionImport function && seen++ == index) {
                return module.typeSection().getType(function.typeIndex());
            }
        }
        return module.functionSection().getFunctionType(index - seen, module.typeSection());
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
