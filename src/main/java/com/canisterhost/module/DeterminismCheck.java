package com.canisterhost.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Refuses what could make execution differ between runs or machines: floating point under the {@code strict}
 * profile, SIMD, threads, atomics and shared memory under every profile. Instructions are reported before types,
 * so the first offending instruction is named with its byte offset, and how many more there are.
 */
final class DeterminismCheck {

    private enum Feature {
        FLOAT("float", "floating point"),
        SIMD("simd", "SIMD"),
        THREADS("threads-atomic", "atomics");

        final String rule;
        final String what;

        Feature(String rule, String what) {
            this.rule = rule;
            this.what = what;
        }
    }

    private static final Pattern SIMD_OPCODE = Pattern.compile("^(V128|[IF](8|16|32|64)X(2|4|8|16))_.*");

    private DeterminismCheck() {}

    static void check(WasmModule module, DeterminismProfile profile, FunctionNames names, int[] bodyOffsets) {
        checkInstructions(module, profile, names);
        checkTypes(module, profile, names, bodyOffsets);
    }

    private static Feature featureOf(OpCode opcode) {
        String name = opcode.name();
        if (name.contains("ATOMIC")) {
            return Feature.THREADS;
        }
        if (SIMD_OPCODE.matcher(name).matches()) {
            return Feature.SIMD;
        }
        if (name.contains("F32") || name.contains("F64")) {
            return Feature.FLOAT;
        }
        return null;
    }

    private static boolean forbidden(Feature feature, DeterminismProfile profile) {
        return feature != null && (feature != Feature.FLOAT || profile == DeterminismProfile.STRICT);
    }

    private static void checkInstructions(WasmModule module, DeterminismProfile profile, FunctionNames names) {
        int imported = names.importedFunctions();
        Instruction first = null;
        int firstFunction = -1;
        int count = 0;
        var code = module.codeSection();
        for (int i = 0; i < code.functionBodyCount(); i++) {
            for (Instruction instruction : code.getFunctionBody(i).instructions()) {
                if (forbidden(featureOf(instruction.opcode()), profile)) {
                    if (first == null) {
                        first = instruction;
                        firstFunction = imported + i;
                    }
                    count++;
                }
            }
        }
        if (first != null) {
            Feature feature = featureOf(first.opcode());
            int more = count - 1;
            throw new InvalidModuleException(InvalidModuleException.Kind.NONDETERMINISTIC, feature.rule,
                    new ModuleLocation("code", firstFunction, names.of(firstFunction), first.address()),
                    mnemonic(first.opcode()) + " uses " + feature.what + ", which the " + profile.label()
                            + " profile does not allow" + (more > 0 ? "; " + more + " more forbidden instruction"
                            + (more > 1 ? "s follow" : " follows") : "")
                            + hint(feature, profile));
        }
    }

    private static void checkTypes(WasmModule module, DeterminismProfile profile, FunctionNames names,
            int[] bodyOffsets) {
        FunctionType[] types = module.typeSection().types();
        for (int i = 0; i < types.length; i++) {
            for (List<ValType> list : List.of(types[i].params(), types[i].returns())) {
                for (ValType type : list) {
                    rejectType(type, profile, "float-type-signature",
                            new ModuleLocation("type", i, null, null), "function type " + i + " uses " + type);
                }
            }
        }
        var code = module.codeSection();
        for (int i = 0; i < code.functionBodyCount(); i++) {
            int function = names.importedFunctions() + i;
            for (ValType local : code.getFunctionBody(i).localTypes()) {
                rejectType(local, profile, "float-type-local", new ModuleLocation("code", function,
                        names.of(function), i < bodyOffsets.length ? bodyOffsets[i] : null), "a local of type "
                        + local);
            }
        }
        Global[] globals = module.globalSection().globals();
        for (int i = 0; i < globals.length; i++) {
            rejectType(globals[i].valueType(), profile, "float-type-global",
                    new ModuleLocation("global", i, null, null), "global " + i + " has type " + globals[i].valueType());
        }
        var memories = module.memorySection();
        if (memories.isPresent()) {
            for (int i = 0; i < memories.get().memoryCount(); i++) {
                if (memories.get().getMemory(i).limits().shared()) {
                    throw new InvalidModuleException(InvalidModuleException.Kind.NONDETERMINISTIC,
                            "threads-shared-memory", new ModuleLocation("memory", i, null, null),
                            "shared memory (threads) is not allowed under any profile");
                }
            }
        }
    }

    private static void rejectType(ValType type, DeterminismProfile profile, String floatRule, ModuleLocation location,
            String what) {
        boolean simd = type.opcode() == ValType.V128.opcode();
        boolean floating = type.opcode() == ValType.F32.opcode() || type.opcode() == ValType.F64.opcode();
        if (simd) {
            throw new InvalidModuleException(InvalidModuleException.Kind.NONDETERMINISTIC, "simd-type", location,
                    what.toLowerCase(Locale.ROOT) + ": SIMD (v128) is not allowed under any profile");
        }
        if (floating && profile == DeterminismProfile.STRICT) {
            throw new InvalidModuleException(InvalidModuleException.Kind.NONDETERMINISTIC, floatRule, location,
                    what.toLowerCase(Locale.ROOT) + ": floating point is not allowed under the strict profile"
                            + hint(Feature.FLOAT, profile));
        }
    }

    private static String hint(Feature feature, DeterminismProfile profile) {
        return feature == Feature.FLOAT && profile == DeterminismProfile.STRICT
                ? " (install with profile=canonical-nan to allow scalar floats)" : "";
    }

    /** The text-format name of an opcode, e.g. {@code f64.add}. */
    static String mnemonic(OpCode opcode) {
        return opcode.name().toLowerCase(Locale.ROOT).replaceFirst("_", ".");
    }
}
