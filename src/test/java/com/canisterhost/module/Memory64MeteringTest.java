package com.canisterhost.module;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A wasm64 module is metered as the IC meters it: its own instructions at their weights, loads and stores at 2
 * instead of 1, and nothing for what the lowering inserted; bulk operations still cost one more per byte. The counts
 * are pinned, and the same on Chicory's compiler and interpreter (src/test/resources/memory64/twin64.wat is
 * twin32.wat with 64-bit addresses).
 */
class Memory64MeteringTest {

    private static long used(String resource, DeterminismProfile profile, String export, long... args) {
        ValidatedModule module = LoweredInstance.validate(resource, profile, ModuleProperties.Limits.ic());
        LoweredInstance compiled = new LoweredInstance(module, true);
        LoweredInstance interpreted = new LoweredInstance(module, false);
        assertThat(compiled.call(export, args)).as("%s result on both engines", export)
                .isEqualTo(interpreted.call(export, args));
        assertThat(compiled.used()).as("%s instructions, compiler vs interpreter", export)
                .isEqualTo(interpreted.used());
        return compiled.used();
    }

    @Test
    void theTwinsDifferByOnePerLoadAndStoreAndTheLoweringCostsNothing() {
        // per round: 2 to start the inner loop, 8192 iterations of 23 (20 plus 3 memory accesses at 2), 9 to loop;
        // 1 at entry (at least 1) and 1 to return
        assertThat(used("memory64/twin64.wasm", DeterminismProfile.STRICT, "work", 3))
                .isEqualTo(2 + 3 * (2 + 8192 * 23 + 9L));
        assertThat(used("memory64/twin32.wasm", DeterminismProfile.STRICT, "work", 3))
                .isEqualTo(2 + 3 * (2 + 8192 * 20 + 9L));
        assertThat(used("memory64/twin64.wasm", DeterminismProfile.STRICT, "work", 1)).isEqualTo(188_429);
    }

    @Test
    void eachInstructionOfA64BitModuleCostsItsWeight() {
        String memory = "memory64/memory.wasm";
        DeterminismProfile floats = DeterminismProfile.CANONICAL_NAN;
        assertThat(used(memory, floats, "i32.load", 0)).as("local.get, i32.load").isEqualTo(1 + 2);
        assertThat(used(memory, floats, "i64.store", 0, 1)).as("2 local.get, i64.store").isEqualTo(2 + 2);
        assertThat(used(memory, floats, "f64.store", 0, 1)).as("2 local.get, reinterpret, f64.store")
                .isEqualTo(3 + 2);
        assertThat(used(memory, floats, "size")).isEqualTo(20);
        assertThat(used(memory, floats, "grow", 1)).as("local.get, memory.grow, one page added")
                .isEqualTo(1 + 300 + 1_000);
        assertThat(used(memory, floats, "fill", 0x100, 7, 256)).as("3 local.get, memory.fill, 256 bytes")
                .isEqualTo(3 + 100 + 256);
        assertThat(used(memory, floats, "copy", 0x100, 0, 8)).isEqualTo(3 + 100 + 8);
        assertThat(used(memory, floats, "init", 0x100, 0, 5)).isEqualTo(3 + 100 + 5);
        // the loop: 1 at entry, then per byte the exit test 4 and 6 (with one load) + 4 + 4 + br 2, the last exit
        // test 4, the result 1
        assertThat(used(memory, floats, "sum", 0, 8)).isEqualTo(1 + 8 * (4 + 6 + 4 + 4 + 2) + 4 + 1);
    }

    @Test
    void tablesOf64BitIndicesCostWhatTheirInstructionsCost() {
        String table = "memory64/table.wasm";
        assertThat(used(table, DeterminismProfile.STRICT, "size")).isEqualTo(100);
        assertThat(used(table, DeterminismProfile.STRICT, "grow", 1)).as("ref.null, local.get, table.grow")
                .isEqualTo(1 + 1 + 300);
        assertThat(used(table, DeterminismProfile.STRICT, "is_null", 1)).as("local.get, table.get, ref.is_null")
                .isEqualTo(1 + 5 + 5);
    }
}
