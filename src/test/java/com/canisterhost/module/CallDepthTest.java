package com.canisterhost.module;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The instrumentation's call-depth limit, at its exact boundary, on both engines
 * (src/test/resources/metering/depth.wat): the export is depth 0 and {@code LIMIT} nested calls below it are
 * allowed, whether direct or through the table; one more traps, and says so through {@link Metering#depthExceeded}.
 * Tail calls replace their frame and do not nest (checked on the compiler: Chicory 1.7.5's interpreter fails a
 * {@code return_call} into a function with locals beyond its parameters, as every instrumented function has, with
 * an {@code ArrayIndexOutOfBoundsException}).
 */
class CallDepthTest {

    private static final int LIMIT = 200; // well within the interpreter's own JVM stack
    private static final ValidatedModule METERED;

    static {
        try {
            METERED = new ModuleValidator(name -> true, ModuleProperties.Limits.ic()).validate(
                    Files.readAllBytes(Path.of("src/test/resources/metering/depth.wasm")), DeterminismProfile.STRICT);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What a run left: its result (or null), whether it trapped on depth, and the instructions left. */
    private record Run(Long result, boolean depthExceeded, long counter) {}

    private static Run run(boolean compiled, String export, int n) {
        Instance instance = Instance.builder(METERED.module())
                .withMachineFactory(compiled ? MachineFactoryCompiler.compile(METERED.module())
                        : InterpreterMachine::new)
                .build();
        Metering metering = METERED.metering();
        metering.start(instance, 1_000_000_000L, LIMIT);
        Long result = null;
        try {
            result = instance.export(export).apply(n)[0];
        } catch (RuntimeException trapped) {
            // the depth global tells the instrumentation's trap from any other
        }
        return new Run(result, metering.depthExceeded(instance), instance.global(metering.counterGlobal()).getValue());
    }

    private static Run onBothEngines(String export, int n) {
        Run compiled = run(true, export, n);
        assertThat(run(false, export, n)).as("interpreter vs compiler, %s(%d)", export, n).isEqualTo(compiled);
        return compiled;
    }

    @ParameterizedTest
    @ValueSource(strings = {"nest", "nest_indirect"})
    void theLimitIsReachedButNotPassed(String export) {
        // nest(n) makes n + 1 nested calls: the helper, then n more below it
        Run atLimit = onBothEngines(export, LIMIT - 1);
        assertThat(atLimit.result()).isEqualTo(LIMIT - 1);
        assertThat(atLimit.depthExceeded()).isFalse();

        Run past = onBothEngines(export, LIMIT);
        assertThat(past.result()).isNull();
        assertThat(past.depthExceeded()).isTrue();
        assertThat(past.counter()).as("charged up to the trap").isLessThan(atLimit.counter() + 1_000_000_000L)
                .isPositive();
    }

    @ParameterizedTest
    @ValueSource(ints = {LIMIT, 5 * LIMIT})
    void tailCallsDoNotNest(int n) {
        Run tail = run(true, "nest_tail", n);
        assertThat(tail.result()).isEqualTo(n);
        assertThat(tail.depthExceeded()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nest", "nest_tail"})
    void aFreshMessageStartsWithTheWholeAllowance(String export) {
        // the same instance, armed again after a depth trap, runs to the limit again
        Instance instance = Instance.builder(METERED.module())
                .withMachineFactory(MachineFactoryCompiler.compile(METERED.module())).build();
        Metering metering = METERED.metering();
        metering.start(instance, 1_000_000_000L, LIMIT);
        try {
            instance.export("nest").apply(LIMIT);
        } catch (RuntimeException expected) {
            assertThat(metering.depthExceeded(instance)).isTrue();
        }
        metering.start(instance, 1_000_000_000L, LIMIT);
        assertThat(instance.export(export).apply(LIMIT - 1)[0]).isEqualTo(LIMIT - 1);
        assertThat(metering.depthExceeded(instance)).isFalse();
    }
}
