package com.canisterhost.module;

import com.canisterhost.state.HeapMemory;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A module from src/test/resources validated, lowered if wasm64, and metered as the service does it, instantiated
 * on one of Chicory's engines over the service's heap ({@link HeapMemory}), with a full instruction counter.
 */
final class LoweredInstance {

    static final long BUDGET = 10_000_000_000L;

    final ValidatedModule module;
    final Instance instance;

    LoweredInstance(ValidatedModule module, boolean compiled) {
        this.module = module;
        Instance.Builder builder = Instance.builder(module.module())
                .withMachineFactory(compiled ? MachineFactoryCompiler.compile(module.module())
                        : InterpreterMachine::new)
                .withMemoryFactory(limits -> HeapMemory.fresh(limits, 32_768));
        this.instance = builder.build();
        Metering metering = module.metering();
        metering.start(instance, BUDGET, 1000);
    }

    static byte[] read(String resource) {
        try {
            return Files.readAllBytes(Path.of("src/test/resources", resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ValidatedModule validate(String resource, DeterminismProfile profile, ModuleProperties.Limits limits) {
        return new ModuleValidator(name -> true, limits).validate(read(resource), profile);
    }

    /** The export's first result (0 if it has none). */
    long call(String export, long... args) {
        long[] results = instance.export(export).apply(args);
        return results == null || results.length == 0 ? 0 : results[0];
    }

    /** Instructions used so far. */
    long used() {
        return BUDGET - instance.global(module.metering().counterGlobal()).getValue();
    }
}
