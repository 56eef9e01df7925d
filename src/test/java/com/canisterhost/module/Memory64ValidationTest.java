package com.canisterhost.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * The host's rules apply to a wasm64 module as it was uploaded (src/test/resources/memory64/refused): limits in its
 * own terms, data and element offsets as i64.const, System API imports with i64 pointers and sizes and without the
 * legacy 32-bit functions, SIMD and threads refused as in every module, and every byte offset in a refusal one of
 * the upload, not of the lowered module.
 */
class Memory64ValidationTest {

    private static final ModuleValidator VALIDATOR = new ModuleValidator(name -> true, ModuleProperties.Limits.ic());

    private static ValidatedModule validate(String name, DeterminismProfile profile) {
        return VALIDATOR.validate(LoweredInstance.read("memory64/" + name + ".wasm"), profile);
    }

    private static InvalidModuleException refusal(String name, DeterminismProfile profile) {
        ThrowableAssert.ThrowingCallable validation = () -> validate("refused/" + name, profile);
        assertThatThrownBy(validation).isInstanceOf(InvalidModuleException.class);
        try {
            validation.call();
        } catch (Throwable e) {
            return (InvalidModuleException) e;
        }
        throw new AssertionError();
    }

    private static InvalidModuleException refusal(String name) {
        return refusal(name, DeterminismProfile.CANONICAL_NAN);
    }

    @Test
    void segmentOffsetsOfTheWrongWidthAreRefusedByName() {
        InvalidModuleException data = refusal("data_i32_offset");
        assertThat(data.kind()).isEqualTo(InvalidModuleException.Kind.DATA_SEGMENT);
        assertThat(data.rule()).isEqualTo("data-offset");
        assertThat(data.getMessage()).contains("64-bit memory", "i64.const");
        InvalidModuleException element = refusal("elem_i32_offset");
        assertThat(element.kind()).isEqualTo(InvalidModuleException.Kind.INVALID);
        assertThat(element.rule()).isEqualTo("element-offset");
        assertThat(element.location().section()).isEqualTo("element");
    }

    @Test
    void anI32AddressOnA64BitMemoryIsATypeErrorInItsFunctionAtItsOffsetInTheUpload() {
        InvalidModuleException e = refusal("i32_address");
        assertThat(e.rule()).isEqualTo("type-check");
        assertThat(e.location().index()).isEqualTo(1);
        byte[] original = LoweredInstance.read("memory64/refused/i32_address.wasm");
        assertThat(e.location().offset()).isEqualTo(SectionMap.scan(original).functionBodyOffsets()[1]);
    }

    @Test
    void importsFollowTheMemoryWidthAndTheLegacyApiIsRefusedWithA64BitMemory() {
        InvalidModuleException legacy = refusal("legacy_import");
        assertThat(legacy.kind()).isEqualTo(InvalidModuleException.Kind.IMPORT);
        assertThat(legacy.rule()).isEqualTo("import-wasm32-only");
        assertThat(legacy.getMessage()).contains("ic0.stable_size", "ic0.stable64_size");
        InvalidModuleException narrow = refusal("i32_signature");
        assertThat(narrow.rule()).isEqualTo("import-signature");
        assertThat(narrow.getMessage()).contains("(i32, i32) -> ()", "(i64, i64) -> () for a 64-bit memory");
        InvalidModuleException wide = refusal("i64_signature32");
        assertThat(wide.rule()).isEqualTo("import-signature");
        assertThat(wide.getMessage()).contains("(i32, i32) -> () for a 32-bit memory");
    }

    @Test
    void theRealSystemApiOf64BitModulesIsAccepted() {
        ValidatedModule counter = validate("counter64", DeterminismProfile.STRICT);
        assertThat(counter.memory64()).isTrue();
        assertThat(counter.updateMethods()).contains("inc", "call", "stable");
        assertThat(counter.startFunction()).isPresent();
    }

    @Test
    void simdThreadsAndSharedMemoryAreRefusedAsInEveryModule() {
        for (DeterminismProfile profile : DeterminismProfile.values()) {
            InvalidModuleException simd = refusal("simd", profile);
            assertThat(simd.kind()).isEqualTo(InvalidModuleException.Kind.NONDETERMINISTIC);
            assertThat(simd.rule()).isEqualTo("simd");
            assertThat(LoweredInstance.read("memory64/refused/simd.wasm")[simd.location().offset()])
                    .as("at the SIMD prefix").isEqualTo((byte) 0xfd);
            assertThat(refusal("atomic", profile).rule()).isEqualTo("threads-atomic");
            assertThat(refusal("shared", profile).rule()).isEqualTo("threads-shared-memory");
        }
    }

    @Test
    void aFloatUnderStrictIsLocatedInTheUploadNotInTheLoweredModule() {
        InvalidModuleException e = refusal("float", DeterminismProfile.STRICT);
        assertThat(e.rule()).isEqualTo("float");
        assertThat(e.getMessage()).startsWith("code section, function 0, byte 0x").contains("f32.load");
        byte[] original = LoweredInstance.read("memory64/refused/float.wasm");
        assertThat(original[e.location().offset()]).as("the f32.load opcode").isEqualTo((byte) 0x2a);
        assertThat(validate("refused/float", DeterminismProfile.CANONICAL_NAN).memory64()).isTrue();
    }

    @Test
    void limitsApplyToWhatTheModuleDeclares() {
        InvalidModuleException initial = refusal("initial_memory");
        assertThat(initial.rule()).isEqualTo("initial-memory");
        assertThat(initial.getMessage()).contains("32769 pages");
        InvalidModuleException huge = refusal("huge_memory");
        assertThat(huge.kind()).isEqualTo(InvalidModuleException.Kind.INVALID);
        assertThat(huge.getMessage()).contains("2^48");
        assertThat(refusal("table_size").rule()).isEqualTo("table-size");
        assertThat(refusal("two_memories").rule()).isEqualTo("memories");
    }

    @Test
    void insertedInstructionsCountTowardsNoLimit() {
        byte[] wasm = LoweredInstance.read("memory64/memory.wasm");
        ModuleProperties.Limits ic = ModuleProperties.Limits.ic();
        // "sum" is the largest body: 23 instructions as written (its end included), 30 once lowered
        ModuleProperties.Limits tight = new ModuleProperties.Limits(ic.maxCodeSectionSize(), ic.maxFunctions(),
                ic.maxGlobals(), ic.maxExportedMethods(), ic.maxExportedNameBytes(), 23, ic.maxHeapPages(),
                ic.maxTableSize(), ic.maxCustomSections(), ic.maxCustomSectionBytes());
        ValidatedModule module = new ModuleValidator(name -> true, tight).validate(wasm,
                DeterminismProfile.CANONICAL_NAN);
        assertThat(module.memory64()).isTrue();
        ModuleProperties.Limits tighter = new ModuleProperties.Limits(ic.maxCodeSectionSize(), ic.maxFunctions(),
                ic.maxGlobals(), ic.maxExportedMethods(), ic.maxExportedNameBytes(), 22, ic.maxHeapPages(),
                ic.maxTableSize(), ic.maxCustomSections(), ic.maxCustomSectionBytes());
        assertThatThrownBy(() -> new ModuleValidator(name -> true, tighter).validate(wasm,
                DeterminismProfile.CANONICAL_NAN)).isInstanceOf(InvalidModuleException.class)
                .hasMessageContaining("function body has 23 instructions; the limit is 22");
    }

    @Test
    void theValidationReportShowsTheDeclaredMemoryAndItsWidth() {
        ValidationReport report = ModuleReports.of(validate("memory", DeterminismProfile.CANONICAL_NAN));
        assertThat(report.memory64()).isTrue();
        assertThat(report.memory()).isEqualTo(new ValidationReport.Memory(1, 4L, false));
        ValidationReport uncapped = ModuleReports.of(validate("twin64", DeterminismProfile.STRICT));
        assertThat(uncapped.memory()).as("no maximum declared, though it runs with the heap cap")
                .isEqualTo(new ValidationReport.Memory(1, null, false));
        assertThat(ModuleReports.of(validate("twin32", DeterminismProfile.STRICT)).memory64()).isFalse();
    }
}
