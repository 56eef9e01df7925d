package com.canisterhost.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A wasm64 module lowered to wasm32 behaves as a 64-bit engine runs it, on both of Chicory's engines: the cases of
 * the WebAssembly testsuite's memory64 tests (address64, load64, memory64, memory_grow64, memory_trap64,
 * memory_copy64, memory_fill64, memory_init64, and the table64 ones) on src/test/resources/memory64/memory.wat and
 * table.wat. The addresses of 2^32 and more are the point: truncated to 32 bits they would reach valid memory.
 */
class Memory64LoweringTest {

    private static final String OUT_OF_BOUNDS = "out of bounds memory access";
    private static final long TWO_TO_32 = 1L << 32;
    private static final ValidatedModule MEMORY = LoweredInstance.validate("memory64/memory.wasm",
            DeterminismProfile.CANONICAL_NAN, ModuleProperties.Limits.ic());

    private static LoweredInstance memory(boolean compiled) {
        return new LoweredInstance(MEMORY, compiled);
    }

    private static void traps(LoweredInstance m, String message, String export, long... args) {
        assertThatThrownBy(() -> m.call(export, args)).as("%s%s", export, java.util.Arrays.toString(args))
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void loadsReadEveryWidthUpToTheLastByteAndTrapPastIt(boolean compiled) {
        LoweredInstance m = memory(compiled);
        assertThat(m.call("i32.load", 0)).isEqualTo(0x64636261L);
        assertThat(m.call("i64.load", 0)).isEqualTo(0x6867666564636261L);
        assertThat(m.call("i64.load", 0xfff8)).isEqualTo(0x4847464544434241L);
        assertThat(m.call("i32.load", 0xfffc)).isEqualTo(0x48474645L);
        assertThat(m.call("i32.load16_u", 0xfffe)).isEqualTo(0x4847L);
        assertThat(m.call("i32.load8_u", 0xffff)).isEqualTo('H');
        assertThat(m.call("i64.load32_u", 0xfffc)).isEqualTo(0x48474645L);
        traps(m, OUT_OF_BOUNDS, "i32.load", 0xfffd);
        traps(m, OUT_OF_BOUNDS, "i64.load", 0xfff9);
        traps(m, OUT_OF_BOUNDS, "i32.load16_s", 0xffff);
        traps(m, OUT_OF_BOUNDS, "i32.load8_u", 0x10000);
        for (long address : new long[] {TWO_TO_32, TWO_TO_32 + 1, TWO_TO_32 + 0xfff8, 0xffffffffL, 0x80000000L,
            -1, Long.MIN_VALUE}) {
            for (String load : new String[] {"i32.load", "i64.load", "f32.load", "f64.load", "i32.load8_s",
                "i32.load8_u", "i32.load16_s", "i32.load16_u", "i64.load8_s", "i64.load8_u", "i64.load16_s",
                "i64.load16_u", "i64.load32_s", "i64.load32_u"}) {
                traps(m, OUT_OF_BOUNDS, load, address);
            }
        }
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void signAndZeroExtensionAndFloatBitsSurviveTheLowering(boolean compiled) {
        LoweredInstance m = memory(compiled);
        m.call("i64.store", 16, 0x80ff807f_fffe8001L);
        assertThat(m.call("i32.load8_s", 16)).isEqualTo(1);
        assertThat((int) m.call("i32.load8_s", 17)).isEqualTo(-128);
        assertThat(m.call("i32.load8_u", 17)).isEqualTo(0x80);
        assertThat((int) m.call("i32.load16_s", 18)).isEqualTo(-2);
        assertThat(m.call("i32.load16_u", 18)).isEqualTo(0xfffe);
        assertThat(m.call("i64.load8_s", 21)).isEqualTo(-128);
        assertThat(m.call("i64.load16_s", 20)).isEqualTo(0xffffffffffff807fL);
        assertThat(m.call("i64.load32_s", 20)).isEqualTo(0xffffffff80ff807fL);
        assertThat(m.call("i64.load32_u", 20)).isEqualTo(0x80ff807fL);
        m.call("f32.store", 24, 0x7fa00001); // a NaN with a payload: loads and stores keep its bits
        assertThat(m.call("f32.load", 24)).isEqualTo(0x7fa00001L);
        m.call("f64.store", 32, 0x7ff4000000000001L);
        assertThat(m.call("f64.load", 32)).isEqualTo(0x7ff4000000000001L);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void memargOffsetsAddUpWithoutWrappingAndFromTwoToThe32AlwaysTrap(boolean compiled) {
        LoweredInstance m = memory(compiled);
        assertThat(m.call("load8_offset1", 0)).isEqualTo('b');
        assertThat(m.call("load8_offset_fff8", 7)).isEqualTo('H');
        traps(m, OUT_OF_BOUNDS, "load8_offset_fff8", 8);
        traps(m, OUT_OF_BOUNDS, "load8_offset1", 0xffffffffL);
        traps(m, OUT_OF_BOUNDS, "load8_offset1", -1); // 2^64 - 1 + 1: no wrap-around to 0
        traps(m, OUT_OF_BOUNDS, "load_offset_ffffffff", 0);
        traps(m, OUT_OF_BOUNDS, "load_offset_2^32", 0); // truncated, the offset would be 0
        traps(m, OUT_OF_BOUNDS, "load_offset_huge", 0x10); // address + offset = 2^64: no wrap-around
        traps(m, OUT_OF_BOUNDS, "store_offset_2^32", 0);
        assertThat(m.call("i32.load8_u", 0)).isEqualTo('a');
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void storesOfEveryTypeWriteTheirValueAndATrappingOneWritesNothing(boolean compiled) {
        LoweredInstance m = memory(compiled);
        m.call("i32.store", 0x100, 0xdeadbeefL);
        assertThat((int) m.call("i32.load", 0x100)).isEqualTo(0xdeadbeef);
        m.call("i64.store", 0xfff8, 0x0102030405060708L);
        assertThat(m.call("i64.load", 0xfff8)).isEqualTo(0x0102030405060708L);
        m.call("i32.store8", 0x200, 0x1ff);
        m.call("i32.store16", 0x202, 0x12345);
        m.call("i64.store8", 0x204, 0x1ab);
        m.call("i64.store16", 0x206, 0x1cdef);
        m.call("i64.store32", 0x200, 0x1_2345_6789L); // offset=4
        assertThat(m.call("i64.load", 0x200)).isEqualTo(0x23456789_2345_00ffL);
        for (long address : new long[] {0xfff9, 0x10000, TWO_TO_32, TWO_TO_32 + 0x100, -8}) {
            traps(m, OUT_OF_BOUNDS, "i64.store", address, 1);
            traps(m, OUT_OF_BOUNDS, "f64.store", address, 1);
        }
        for (long address : new long[] {0x10000, TWO_TO_32, TWO_TO_32 + 0x100, 0xffffffffL, -1}) {
            traps(m, OUT_OF_BOUNDS, "i32.store8", address, 1);
        }
        assertThat((int) m.call("i32.load", 0x100)).as("not overwritten through a truncated address")
                .isEqualTo(0xdeadbeef);
        assertThat(m.call("i64.load", 0xfff8)).isEqualTo(0x0102030405060708L);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void accessesAtTheEndOfMemoryTrapExactlyPastIt(boolean compiled) {
        LoweredInstance m = memory(compiled); // memory_trap64
        m.call("store_from_end", -4, 42);
        assertThat(m.call("load_from_end", -4)).isEqualTo(42);
        for (long i : new long[] {-3, -2, -1, 0, 0x80000000L, TWO_TO_32, TWO_TO_32 - 0x10000}) {
            traps(m, OUT_OF_BOUNDS, "store_from_end", i, 13);
            traps(m, OUT_OF_BOUNDS, "load_from_end", i);
        }
        assertThat(m.call("grow", 1)).isEqualTo(1);
        assertThat(m.call("load_from_end", -4)).isZero();
        assertThat(m.call("load_from_end", -0x10004)).isEqualTo(42);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void memoryGrowAndSizeAreI64AndGrowPastTheMaximumAnswersMinusOne(boolean compiled) {
        LoweredInstance m = memory(compiled); // memory_grow64: (memory i64 1 4)
        assertThat(m.call("size")).isEqualTo(1);
        assertThat(m.call("grow", 0)).isEqualTo(1);
        assertThat(m.call("grow", 1)).isEqualTo(1);
        assertThat(m.call("size")).isEqualTo(2);
        traps(m, OUT_OF_BOUNDS, "i32.load8_u", 0x20000);
        assertThat(m.call("i32.load8_u", 0x1ffff)).isZero();
        assertThat(m.call("grow", 3)).isEqualTo(-1L);
        assertThat(m.call("grow", TWO_TO_32)).as("2^32 pages, not 0").isEqualTo(-1L);
        assertThat(m.call("grow", TWO_TO_32 + 1)).isEqualTo(-1L);
        assertThat(m.call("grow", 0x10000)).isEqualTo(-1L);
        assertThat(m.call("grow", -1)).isEqualTo(-1L);
        assertThat(m.call("grow", 2)).isEqualTo(2);
        assertThat(m.call("grow", 1)).isEqualTo(-1L);
        assertThat(m.call("size")).isEqualTo(4);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void fillWritesExactlyItsRangeAndTrapsOnAnyPartOutOfBounds(boolean compiled) {
        LoweredInstance m = memory(compiled); // memory_fill64
        m.call("fill", 0xff00, 0x55, 256);
        assertThat(m.call("sum", 0xff00, 256)).isEqualTo(0x55 * 256);
        assertThat(m.call("i32.load8_u", 0xfeff)).isZero();
        m.call("fill", 0x12, 0x55, 0);
        m.call("fill", 0x10000, 0x55, 0); // empty at the very end: fine
        traps(m, OUT_OF_BOUNDS, "fill", 0xff00, 0x66, 257);
        traps(m, OUT_OF_BOUNDS, "fill", 0xffffff00L, 0x66, 257);
        traps(m, OUT_OF_BOUNDS, "fill", 0x10001, 0x66, 0);
        traps(m, OUT_OF_BOUNDS, "fill", TWO_TO_32, 0x66, 0); // truncated: an empty fill at 0
        traps(m, OUT_OF_BOUNDS, "fill", 0, 0x66, TWO_TO_32); // truncated: a fill of nothing
        traps(m, OUT_OF_BOUNDS, "fill", 0, 0x66, TWO_TO_32 + 1);
        assertThat(m.call("i32.load8_u", 0)).isEqualTo('a');
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void copyMovesOverlappingRangesAndTrapsOutOfBounds(boolean compiled) {
        LoweredInstance m = memory(compiled); // memory_copy64
        m.call("copy", 0x100, 0, 8);
        assertThat(m.call("i64.load", 0x100)).isEqualTo(0x6867666564636261L);
        m.call("copy", 0x101, 0x100, 7); // overlapping, forwards
        assertThat(m.call("i64.load", 0x100)).isEqualTo(0x6766656463626161L);
        m.call("copy", 0x100, 0x101, 7); // backwards
        assertThat(m.call("i64.load", 0x100)).isEqualTo(0x6767666564636261L);
        m.call("copy", 0x10000, 0, 0);
        m.call("copy", 0, 0x10000, 0);
        traps(m, OUT_OF_BOUNDS, "copy", 0xfff9, 0, 8);
        traps(m, OUT_OF_BOUNDS, "copy", 0, TWO_TO_32, 0);
        traps(m, OUT_OF_BOUNDS, "copy", TWO_TO_32, 0, 1);
        traps(m, OUT_OF_BOUNDS, "copy", 0, 0, TWO_TO_32 + 1);
        assertThat(m.call("i64.load", 0)).isEqualTo(0x6867666564636261L);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void initCopiesFromAPassiveSegmentToI64Destinations(boolean compiled) {
        LoweredInstance m = memory(compiled); // memory_init64
        m.call("init", 0x200, 1, 3);
        assertThat(m.call("i32.load", 0x200)).isEqualTo(0x00040302L);
        m.call("init", 0x10000, 0, 0);
        traps(m, OUT_OF_BOUNDS, "init", 0xfffe, 0, 3);
        traps(m, OUT_OF_BOUNDS, "init", TWO_TO_32, 0, 0);
        traps(m, OUT_OF_BOUNDS, "init", TWO_TO_32 + 0x200, 0, 1);
        traps(m, OUT_OF_BOUNDS, "init", 0, 4, 2);
        m.call("drop");
        m.call("init", 0, 0, 0);
        traps(m, OUT_OF_BOUNDS, "init", 0, 0, 1);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void dataSegmentsSitAtTheirI64OffsetsAndALoopOverBytesAddsThemUp(boolean compiled) {
        LoweredInstance m = memory(compiled);
        assertThat(m.call("sum", 0, 8)).isEqualTo("abcdefgh".chars().sum());
        assertThat(m.call("sum", 0xfff8, 8)).isEqualTo("ABCDEFGH".chars().sum());
        traps(m, OUT_OF_BOUNDS, "sum", TWO_TO_32, 1);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void aMissingOrLargerMaximumIsTheHeapCapAndGrowPastItAnswersMinusOne(boolean compiled) {
        ModuleProperties.Limits ic = ModuleProperties.Limits.ic();
        ModuleProperties.Limits threePages = new ModuleProperties.Limits(ic.maxCodeSectionSize(), ic.maxFunctions(),
                ic.maxGlobals(), ic.maxExportedMethods(), ic.maxExportedNameBytes(), ic.maxFunctionInstructions(),
                3, ic.maxTableSize(), ic.maxCustomSections(), ic.maxCustomSectionBytes());
        // twin64.wasm declares (memory i64 1) with no maximum
        LoweredInstance m = new LoweredInstance(LoweredInstance.validate("memory64/twin64.wasm",
                DeterminismProfile.STRICT, threePages), compiled);
        MemoryLimits lowered = m.module.module().memorySection().orElseThrow().getMemory(0).limits();
        assertThat(lowered.initialPages()).isEqualTo(1);
        assertThat(lowered.maximumPages()).isEqualTo(3);
        assertThat(m.instance.memory().grow(2)).isEqualTo(1);
        assertThat(m.instance.memory().grow(1)).isEqualTo(-1);
        // memory.wasm declares a maximum of 4, over the cap of 3
        ValidatedModule capped = LoweredInstance.validate("memory64/memory.wasm", DeterminismProfile.CANONICAL_NAN,
                threePages);
        assertThat(capped.module().memorySection().orElseThrow().getMemory(0).limits().maximumPages()).isEqualTo(3);
        LoweredInstance c = new LoweredInstance(capped, compiled);
        assertThat(c.call("grow", 2)).isEqualTo(1);
        assertThat(c.call("grow", 1)).isEqualTo(-1L);
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void tableInstructionsTakeI64IndicesAndTrapPastTheTable(boolean compiled) {
        // table64, call_indirect64, table_*64; a module of its own: Chicory's table.grow grows the module's table
        // limits too, so the next instance of the same parsed module would start larger
        ValidatedModule table = LoweredInstance.validate("memory64/table.wasm", DeterminismProfile.STRICT,
                ModuleProperties.Limits.ic());
        LoweredInstance t = new LoweredInstance(table, compiled);
        assertThat(t.call("call", 1)).isEqualTo(7);
        assertThat(t.call("call", 2)).isEqualTo(8);
        traps(t, "uninitialized element", "call", 0);
        traps(t, "undefined element", "call", 4);
        traps(t, "undefined element", "call", TWO_TO_32 + 1); // truncated: element 1
        traps(t, "undefined element", "call", -1);
        assertThat(t.call("is_null", 0)).isEqualTo(1);
        assertThat(t.call("is_null", 1)).isZero();
        traps(t, "out of bounds table access", "is_null", TWO_TO_32 + 1);
        traps(t, "out of bounds table access", "set_null", TWO_TO_32 + 1);
        traps(t, "out of bounds table access", "set_null", 0x80000000L);
        assertThat(t.call("call", 1)).as("not cleared through a truncated index").isEqualTo(7);
        t.call("copy_from_1", 3);
        assertThat(t.call("call", 3)).isEqualTo(7);
        t.call("set_null", 3);
        traps(t, "uninitialized element", "call", 3);

        assertThat(t.call("size")).isEqualTo(4);
        assertThat(t.call("grow", TWO_TO_32)).as("2^32 entries, not 0").isEqualTo(-1L);
        assertThat(t.call("grow", 2)).isEqualTo(4);
        assertThat(t.call("grow", 3)).as("past the maximum of 8").isEqualTo(-1L);
        assertThat(t.call("size")).isEqualTo(6);

        t.call("fill", 4, 2); // table[2] is $eight
        assertThat(t.call("call", 5)).isEqualTo(8);
        String outOfTable = "out of bounds table access";
        traps(t, outOfTable, "fill", 5, TWO_TO_32);
        traps(t, outOfTable, "fill", TWO_TO_32, 0); // truncated: an empty fill at 0
        traps(t, outOfTable, "fill", 0x80000000L, 0);
        traps(t, outOfTable, "fill", 7, 0);
        t.call("fill", 6, 0);
        t.call("copy", 0, 1, 2);
        assertThat(t.call("call", 0)).isEqualTo(7);
        traps(t, outOfTable, "copy", 0, TWO_TO_32 + 1, 1);
        traps(t, outOfTable, "copy", 0, 1, TWO_TO_32 + 1);
        traps(t, outOfTable, "copy", TWO_TO_32, 0, 0);
        t.call("init", 0, 0, 1);
        assertThat(t.call("call", 0)).isEqualTo(9);
        traps(t, outOfTable, "init", TWO_TO_32, 0, 0);
        traps(t, outOfTable, "init", 0x80000000L, 0, 0);
        assertThat(t.call("call", 1)).isEqualTo(8);
        assertThat(t.call("size_u")).isEqualTo(2);
        assertThat(t.call("memory_size")).as("the 32-bit memory next to them").isEqualTo(1);
        assertThat(table.memory64()).as("the System API width goes by the memory").isFalse();
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void anElementSegmentPastA64BitTableFailsInstantiation(boolean compiled) {
        ValidatedModule module = LoweredInstance.validate("memory64/table_offset.wasm", DeterminismProfile.STRICT,
                ModuleProperties.Limits.ic());
        assertThatThrownBy(() -> new LoweredInstance(module, compiled)).isInstanceOf(UninstantiableException.class)
                .hasMessageContaining("out of bounds table access");
    }

    @org.junit.jupiter.api.Test
    void theLoweredModuleIsWasm32AndTheUploadStaysAsItWas() {
        byte[] original = LoweredInstance.read("memory64/memory.wasm");
        assertThat(MEMORY.bytes()).isEqualTo(original);
        assertThat(MEMORY.hash()).isEqualTo(ModuleValidator.sha256(original));
        assertThat(MEMORY.memory64()).isTrue();
        assertThat(ModuleShape.isMemory64(original)).isTrue();
        assertThat(ModuleShape.isMemory64(MEMORY.instrumented())).isFalse();
        Parser.parse(MEMORY.instrumented()); // Chicory parses and validates it as wasm32
        // restoring from the stored instrumented bytes gives the same module, flag included
        ValidatedModule restored = new ModuleValidator(name -> true, ModuleProperties.Limits.ic()).restore(original,
                MEMORY.hash(), MEMORY.instrumented(), MEMORY.profile(), MEMORY.startFunction());
        assertThat(restored.memory64()).isTrue();
        assertThat(restored.metering()).isEqualTo(MEMORY.metering());
        ValidatedModule reloaded = new ModuleValidator(name -> true, ModuleProperties.Limits.ic()).reload(original,
                MEMORY.hash(), MEMORY.profile());
        assertThat(reloaded.instrumented()).isEqualTo(MEMORY.instrumented());
        assertThat(reloaded.memory64()).isTrue();
        Instance instance = new LoweredInstance(restored, true).instance;
        assertThat(new String(instance.memory().readBytes(0, 8), StandardCharsets.US_ASCII)).isEqualTo("abcdefgh");
    }
}
