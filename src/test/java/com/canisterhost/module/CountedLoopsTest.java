package com.canisterhost.module;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.OpCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loops with a trip count known at install time are charged once, before they run, and cost exactly what
 * charging them block by block costs (src/test/resources/metering/counted.wat), on both engines.
 */
class CountedLoopsTest {

    private static final byte[] WASM = read("src/test/resources/metering/counted.wasm");
    private static final WasmModule ORIGINAL = Parser.parse(WASM);
    private static final ValidatedModule METERED =
            new ModuleValidator(name -> true, ModuleProperties.Limits.ic()).validate(WASM, DeterminismProfile.STRICT);
    private static final long BUDGET = 1_000_000_000L;

    private static byte[] read(String path) {
        try {
            return Files.readAllBytes(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The counter after a run, and how the run failed (null if it returned). */
    private record Run(long counter, RuntimeException failure) {}

    /** Runs an export with {@code budget} instructions on one engine. */
    private static Run run(boolean compiled, long budget, String export, long... args) {
        Metering metering = METERED.metering();
        Instance instance = Instance.builder(METERED.module())
                .withMachineFactory(compiled ? MachineFactoryCompiler.compile(METERED.module())
                        : InterpreterMachine::new)
                .build();
        metering.start(instance, budget, 1000);
        RuntimeException failure = null;
        try {
            instance.export(export).apply(args);
        } catch (RuntimeException e) {
            failure = e;
        }
        return new Run(instance.global(metering.counterGlobal()).getValue(), failure);
    }

    /** Instructions used, the same on both engines. */
    private static long used(String export, long... args) {
        Run compiled = run(true, BUDGET, export, args);
        Run interpreted = run(false, BUDGET, export, args);
        assertThat(compiled.failure()).isNull();
        assertThat(interpreted.counter()).as("interpreter vs compiler, %s", export).isEqualTo(compiled.counter());
        return BUDGET - compiled.counter();
    }

    /**
     * What {@link CountedLoops} makes of the first loop of an export's function (null: charged per block). The
     * module has no imports, so export indices are code-section indices.
     */
    private static CountedLoops.Counted counted(String export) {
        ExportSection exports = ORIGINAL.exportSection();
        int function = -1;
        for (int i = 0; i < exports.exportCount(); i++) {
            if (exports.getExport(i).name().equals(export)) {
                function = (int) exports.getExport(i).index();
            }
        }
        List<AnnotatedInstruction> instructions = ORIGINAL.codeSection().getFunctionBody(function).instructions();
        int params = ORIGINAL.functionSection().getFunctionType(function, ORIGINAL.typeSection()).params().size();
        for (int k = 0; k < instructions.size(); k++) {
            if (instructions.get(k).opcode() == OpCode.LOOP) {
                return CountedLoops.of(instructions, k, params, CostTable.Weights.WASM32);
            }
        }
        throw new AssertionError("no loop in " + export);
    }

    @Test
    void bottomTestedLoopIsChargedOnceAndCostsWhatPerBlockChargingCosts() {
        // entry 1 (at least 1) + 100 iterations x 12 (10 simple + br_if 2) + the final local.get 1
        assertThat(counted("bottom")).isNotNull().extracting(CountedLoops.Counted::cost).isEqualTo(1200L);
        assertThat(counted("bottom_n")).isNull();
        assertThat(used("bottom")).isEqualTo(1 + 1200 + 1).isEqualTo(used("bottom_n", 100));
    }

    @Test
    void topTestedLoopChargesItsHeaderOnceMoreThanItsTail() {
        // i = 3 .. 403 step 4: the exit test runs 101 times (5 each), the rest 100 times (10 each with br)
        assertThat(counted("top")).isNotNull().extracting(CountedLoops.Counted::cost).isEqualTo(101 * 5 + 100 * 10L);
        assertThat(counted("top_n")).isNull();
        assertThat(used("top")).isEqualTo(2 + 1505 + 1).isEqualTo(used("top_n", 403));
    }

    @Test
    void lessThanBoundCountsTheIterationsUpToTheBound() {
        // i = 5, then 8 11 14 17 20: five iterations of 12
        assertThat(counted("below")).isNotNull().extracting(CountedLoops.Counted::cost).isEqualTo(60L);
        assertThat(used("below")).isEqualTo(2 + 60 + 1).isEqualTo(used("below_n", 20));
    }

    @Test
    void loopsThatMightNotEndAreStillCheckedEveryIteration() {
        assertThat(counted("stuck")).as("step 0").isNull();
        assertThat(counted("wraps")).as("1 + 4k never equals 64 without wrapping").isNull();
        for (String export : List.of("stuck", "wraps")) {
            for (boolean compiled : List.of(true, false)) {
                Run run = run(compiled, 50_000, export);
                assertThat(run.failure()).as("%s trapped", export).isNotNull();
                assertThat(run.counter()).as("stopped at the limit: %s", export).isNegative();
            }
        }
    }

    @Test
    void sha256KeepsTheCountOfBlockByBlockCharging() throws IOException {
        byte[] wasm = Files.readAllBytes(Path.of("src/test/resources/metering/sha256.wasm"));
        WasmModule module = Parser.parse(wasm);
        int counted = 0;
        for (int f = 0; f < module.codeSection().functionBodyCount(); f++) {
            List<AnnotatedInstruction> instructions = module.codeSection().getFunctionBody(f).instructions();
            int params = module.functionSection().getFunctionType(f, module.typeSection()).params().size();
            for (int k = 0; k < instructions.size(); k++) {
                if (instructions.get(k).opcode() == OpCode.LOOP
                        && CountedLoops.of(instructions, k, params, CostTable.Weights.WASM32) != null) {
                    counted++;
                }
            }
        }
        assertThat(counted).as("at least the three loops of compress").isGreaterThanOrEqualTo(3);

        ValidatedModule metered = new ModuleValidator(name -> true, ModuleProperties.Limits.ic())
                .validate(wasm, DeterminismProfile.STRICT);
        Metering metering = metered.metering();
        List<ImportFunction> stubs = new ArrayList<>();
        var imports = metered.module().importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof FunctionImport f) {
                var type = metered.module().typeSection().getType(f.typeIndex());
                long[] result = new long[type.returns().size()];
                stubs.add(new HostFunction(f.module(), f.name(), type, (instance, args) -> result));
            }
        }
        Instance instance = Instance.builder(metered.module())
                .withImportValues(ImportValues.builder().withFunctions(stubs).build())
                .withMachineFactory(MachineFactoryCompiler.compile(metered.module()))
                .build();
        metering.start(instance, BUDGET, 1000);
        instance.export("bench_run").apply(1);
        // what the per-block instrumentation (before counted loops) charged for the same call on a fresh instance
        assertThat(BUDGET - instance.global(metering.counterGlobal()).getValue()).isEqualTo(158_754_982L);
    }
}
