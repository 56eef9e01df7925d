package com.canisterhost.module;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import java.io.IOException;
import java.util.Collections;
import java.util.function.Function;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Decodes and validates uploads, stores modules by content hash, and hands out parsed modules (kept in a bounded
 * cache, so a module is parsed and validated once per hash while it stays in use).
 */
@Service
public class ModuleService {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ModuleService.class);

    private final ModuleDecoder decoder;
    private final ModuleValidator validator;
    private final DeterminismProfile defaultProfile;
    private final JdbcClient jdbc;
    private final Map<String, ValidatedModule> modules;
    private final Map<String, Compiled> machines;
    private final ModuleProperties.Engine engine;
    /** Decoding, validating and instrumenting an upload is CPU on the request thread: this many at once at most. */
    private final Semaphore preparations;
    private final int preparationPermits;

    ModuleService(ModuleProperties properties, HostFunctionCatalog catalog, JdbcClient jdbc) {
        this.decoder = new ModuleDecoder(properties.maxSize().toBytes());
        this.validator = new ModuleValidator(catalog::provides, properties.limits());
        this.defaultProfile = properties.profile();
        this.jdbc = jdbc;
        this.modules = lruMap(properties.cachedModules());
        this.machines = lruMap(properties.cachedModules());
        this.engine = properties.engine();
        this.preparationPermits = properties.preparationPermits();
        this.preparations = new Semaphore(preparationPermits);
    }

    /** The profile installs use when they do not name one. */
    public DeterminismProfile defaultProfile() {
        return defaultProfile;
    }

    /**
     * Decodes (gzip or raw) and validates an upload under {@code profile}, holding one of the preparation permits.
     *
     * @throws PreparationsBusyException if every permit is taken
     */
    public ValidatedModule prepare(byte[] upload, DeterminismProfile profile) {
        acquirePermit();
        try {
            byte[] wasm = decoder.decode(upload);
            byte[] hash = ModuleValidator.sha256(wasm);
            String key = key(hash, profile);
            ValidatedModule cached = modules.get(key);
            if (cached != null) {
                return cached; // the same bytes passed under this profile already
            }
            ValidatedModule module = checked(wasm, hash, profile);
            modules.put(key, module);
            return module;
        } finally {
            preparations.release();
        }
    }

    /** Reads an upload's bytes (off a request body, say). */
    @FunctionalInterface
    public interface Upload {
        byte[] read() throws IOException;
    }

    /**
     * A dry run of {@link #prepare}: the verdict and what the module declares, installing nothing. The upload is
     * read holding the permit, so the permits bound the memory that dry runs buffer as well as their CPU.
     *
     * @throws PreparationsBusyException if every permit is taken
     */
    public ValidationReport validate(Upload upload, DeterminismProfile profile) throws IOException {
        acquirePermit();
        try {
            byte[] wasm = decoder.decode(upload.read());
            byte[] hash = ModuleValidator.sha256(wasm);
            try {
                return ModuleReports.of(checked(wasm, hash, profile));
            } catch (InvalidModuleException e) {
                return new ValidationReport(false, profile.label(), HexFormat.of().formatHex(hash), wasm.length,
                        new ValidationReport.Problem(e.kind().type(), e.rule(), e.getMessage(), e.location()),
                        new ValidationReport.Exports(java.util.List.of(), java.util.List.of(), java.util.List.of(),
                                java.util.List.of()), java.util.List.of(), false, null, java.util.List.of(), null);
            }
        } finally {
            preparations.release();
        }
    }

    private void acquirePermit() {
        if (!preparations.tryAcquire()) {
            throw new PreparationsBusyException("all " + preparationPermits + " module preparations (installs and "
                    + "validations) are busy; retry later");
        }
    }

    /**
     * Validation, with a last line of defence: a module that makes the validator or a library under it fail in a
     * way nobody foresaw is refused as malformed (a 400, not a 500), and the failure is logged as the bug it is.
     */
    private ValidatedModule checked(byte[] wasm, byte[] hash, DeterminismProfile profile) {
        try {
            return validator.validate(wasm, hash, profile);
        } catch (InvalidModuleException e) {
            throw e;
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            log.error("Validation of module {} failed unexpectedly; refusing it", HexFormat.of().formatHex(hash), e);
            throw new InvalidModuleException(InvalidModuleException.Kind.MALFORMED, "section-content",
                    ModuleLocation.MODULE, "malformed: the module could not be processed");
        }
    }

    /** Stores the module under its hash; storing the same bytes again is a no-op. Joins the caller's transaction. */
    public void store(ValidatedModule module) {
        jdbc.sql("INSERT INTO modules (hash, bytes, size) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING")
                .params(module.hash(), module.bytes(), module.bytes().length)
                .update();
        jdbc.sql("""
                        INSERT INTO instrumented_modules (module_hash, profile, cost_table_version, start_function, bytes)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(module.hash(), module.profile().label(), module.metering().costTableVersion(),
                        module.startFunction().isPresent() ? module.startFunction().getAsInt() : null,
                        module.instrumented())
                .update();
    }

    /** The stored module with this hash, as installed under {@code profile} (it was validated then). */
    public ValidatedModule load(byte[] hash, DeterminismProfile profile) {
        return modules.computeIfAbsent(key(hash, profile), key -> {
            byte[] original = jdbc.sql("SELECT bytes FROM modules WHERE hash = ?").param(hash)
                    .query(byte[].class).single();
            record Stored(byte[] bytes, Integer start) {}
            var stored = jdbc.sql("""
                            SELECT bytes, start_function FROM instrumented_modules
                             WHERE module_hash = ? AND profile = ? AND cost_table_version = ?""")
                    .params(hash, profile.label(), CostTable.VERSION)
                    .query((rs, n) -> new Stored(rs.getBytes(1), (Integer) rs.getObject(2)))
                    .optional();
            if (stored.isPresent()) {
                return validator.restore(original, hash, stored.get().bytes(), profile, stored.get().start() == null
                        ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(stored.get().start()));
            }
            ValidatedModule module = validator.reload(original, hash, profile); // the cost table changed: meter anew
            store(module);
            return module;
        });
    }

    /**
     * How to run this module's code: Chicory's compiler by default, compiled once per module and kept while in use
     * (functions too large for a JVM method fall back to the interpreter), or the interpreter.
     */
    public Function<Instance, Machine> machineFactory(ValidatedModule module) {
        if (engine == ModuleProperties.Engine.INTERPRETER) {
            return InterpreterMachine::new;
        }
        // Chicory's compiled factory only accepts instances of the very module object it compiled.
        return machines.compute(key(module.hash(), module.profile()), (key, compiled) ->
                compiled != null && compiled.module() == module.module() ? compiled
                        : new Compiled(module.module(), MachineFactoryCompiler.builder(module.module())
                                .withInterpreterFallback(InterpreterFallback.SILENT)
                                .compile()))
                .factory();
    }

    private record Compiled(com.dylibso.chicory.wasm.WasmModule module, Function<Instance, Machine> factory) {}

    private static String key(byte[] hash, DeterminismProfile profile) {
        return HexFormat.of().formatHex(hash) + "/" + profile.label();
    }

    private static <V> Map<String, V> lruMap(int capacity) {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        });
    }
}
