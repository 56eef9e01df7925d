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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Parses and type-checks a module with Chicory, then applies the host's rules: imports only from {@code ic0} with the
 * System API's exact signatures (and only those this host implements), entry points of type {@code () -> ()}, no
 * method exported as two kinds, no unknown {@code canister_} exports.
 */
final class ModuleValidator {

    static final Set<String> SYSTEM_ENTRY_POINTS = Set.of("canister_init", "canister_pre_upgrade",
            "canister_post_upgrade", "canister_inspect_message", "canister_heartbeat", "canister_global_timer",
            "canister_on_low_wasm_memory");
    private static final String UPDATE_PREFIX = "canister_update ";
    private static final String QUERY_PREFIX = "canister_query ";
    private static final String COMPOSITE_QUERY_PREFIX = "canister_composite_query ";

    private final Predicate<String> implemented;

    ModuleValidator(Predicate<String> implemented) {
        this.implemented = implemented;
    }

    ValidatedModule validate(byte[] wasm) {
        StartSectionStripper.Stripped stripped = StartSectionStripper.strip(wasm);
        WasmModule module = parse(stripped.bytes());
        checkImports(module);
        Set<String> updates = new LinkedHashSet<>();
        Set<String> queries = new LinkedHashSet<>();
        Set<String> system = new LinkedHashSet<>();
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            Export export = exports.getExport(i);
            String name = export.name();
            if (!name.startsWith("canister_")) {
                continue;
            }
            if (export.exportType() != ExternalType.FUNCTION) {
                throw new InvalidModuleException("export", "export '" + name + "' must be a function");
            }
            checkEntryPointType(module, export);
            if (name.startsWith(UPDATE_PREFIX)) {
                addMethod(name.substring(UPDATE_PREFIX.length()), updates, queries, name);
            } else if (name.startsWith(QUERY_PREFIX)) {
                addMethod(name.substring(QUERY_PREFIX.length()), queries, updates, name);
            } else if (name.startsWith(COMPOSITE_QUERY_PREFIX)) {
                throw new InvalidModuleException("export",
                        "export '" + name + "': composite queries are not supported by this host yet");
            } else if (SYSTEM_ENTRY_POINTS.contains(name)) {
                system.add(name);
            } else {
                throw new InvalidModuleException("export", "export '" + name
                        + "' uses the reserved canister_ prefix but is not a System API entry point");
            }
        }
        return new ValidatedModule(sha256(wasm), wasm, module, stripped.startFunction(), Set.copyOf(updates),
                Set.copyOf(queries), Set.copyOf(system));
    }

    private static WasmModule parse(byte[] wasm) {
        try {
            return Parser.parse(wasm);
        } catch (MalformedException e) {
            throw new InvalidModuleException("malformed", "malformed module: " + e.getMessage(), e);
        } catch (InvalidException e) {
            throw new InvalidModuleException("invalid", "invalid module: " + e.getMessage(), e);
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidModuleException("malformed", "malformed module: " + e.getMessage(), e);
        }
    }

    private void checkImports(WasmModule module) {
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            String where = "import " + imp.module() + "." + imp.name();
            if (!(imp instanceof FunctionImport function)) {
                throw new InvalidModuleException("import", where + ": only functions may be imported ("
                        + imp.importType().name().toLowerCase(java.util.Locale.ROOT) + " imports are not supported)");
            }
            if (!"ic0".equals(imp.module())) {
                throw new InvalidModuleException("import", where
                        + ": canisters may import only from the System API module 'ic0'");
            }
            String expected = SystemApiSignatures.signature(imp.name()).orElseThrow(() ->
                    new InvalidModuleException("import", where + " is not a System API function"));
            FunctionType type = module.typeSection().getType(function.typeIndex());
            String actual = SystemApiSignatures.describe(type.params(), type.returns());
            if (!expected.equals(actual)) {
                throw new InvalidModuleException("import", where + " has type " + actual
                        + " but the System API defines " + expected);
            }
            if (!implemented.test(imp.name())) {
                throw new InvalidModuleException("import", where + " is not implemented by this host yet");
            }
        }
    }

    private static void checkEntryPointType(WasmModule module, Export export) {
        int importedFunctions = module.importSection().count(ExternalType.FUNCTION);
        int index = export.index();
        FunctionType type = index < importedFunctions
                ? module.typeSection().getType(((FunctionImport) importedFunction(module, index)).typeIndex())
                : module.functionSection().getFunctionType(index - importedFunctions, module.typeSection());
        if (!type.params().isEmpty() || !type.returns().isEmpty()) {
            throw new InvalidModuleException("export", "export '" + export.name() + "' has type "
                    + SystemApiSignatures.describe(type.params(), type.returns()) + " but entry points must be () -> ()");
        }
    }

    private static Import importedFunction(WasmModule module, int functionIndex) {
        int seen = 0;
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i).importType() == ExternalType.FUNCTION && seen++ == functionIndex) {
                return imports.getImport(i);
            }
        }
        throw new IllegalStateException("no imported function " + functionIndex);
    }

    private static void addMethod(String method, Set<String> kind, Set<String> other, String export) {
        if (other.contains(method) || !kind.add(method)) {
            throw new InvalidModuleException("export",
                    "export '" + export + "': method '" + method + "' is exported more than once or as two kinds");
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
