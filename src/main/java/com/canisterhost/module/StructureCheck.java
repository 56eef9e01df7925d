package com.canisterhost.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.TableImport;
import com.dylibso.chicory.wasm.types.TableLimits;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Resource caps (counts and sizes), {@code icp:} custom sections and data segment offsets. */
final class StructureCheck {

    private static final String ICP = "icp:";

    private StructureCheck() {}

    /** The code section cap, checked on the raw layout before anything is parsed (as the IC does). */
    static void checkCodeSize(SectionMap sections, ModuleProperties.Limits limits) {
        sections.section(SectionMap.CODE).ifPresent(code -> {
            if (code.size() > limits.maxCodeSectionSize().toBytes()) {
                throw limit("code-size", SectionMap.location(code), "code section is " + code.size()
                        + " bytes; the limit is " + limits.maxCodeSectionSize().toBytes());
            }
        });
    }

    /**
     * Checks the caps on {@code module} as parsed (lowered, if it was wasm64: {@code inserted} is the code the host
     * added, which counts towards no limit); {@code sections} are those of the module as uploaded.
     */
    static void check(WasmModule module, SectionMap sections, ModuleProperties.Limits limits, FunctionNames names,
            InsertedCode inserted) {
        int functions = names.importedFunctions() + module.functionSection().functionCount();
        if (functions > limits.maxFunctions()) {
            throw limit("functions", location(sections, 3), functions + " functions; the limit is "
                    + limits.maxFunctions());
        }
        int globals = module.globalSection().globalCount();
        if (globals > limits.maxGlobals()) {
            throw limit("globals", location(sections, 6), globals + " globals; the limit is " + limits.maxGlobals());
        }
        checkMemories(module, limits);
        checkTables(module, limits);
        var code = module.codeSection();
        for (int i = 0; i < code.functionBodyCount(); i++) {
            var body = code.getFunctionBody(i).instructions();
            int instructions = inserted.isEmpty() ? body.size()
                    : (int) body.stream().filter(ins -> !inserted.contains(ins.address())).count();
            if (instructions > limits.maxFunctionInstructions()) {
                int function = names.importedFunctions() + i;
                throw limit("function-instructions", new ModuleLocation("code", function, names.of(function), null),
                        "function body has " + instructions + " instructions; the limit is "
                                + limits.maxFunctionInstructions());
            }
        }
        checkCustomSections(sections, limits);
        checkDataSegments(module);
    }

    private static void checkMemories(WasmModule module, ModuleProperties.Limits limits) {
        int defined = module.memorySection().map(m -> m.memoryCount()).orElse(0);
        int imported = module.importSection().count(ExternalType.MEMORY);
        if (defined + imported > 1) {
            throw limit("memories", new ModuleLocation("memory", defined - 1, null, null),
                    "a canister has at most one memory; this module has " + (defined + imported));
        }
        MemoryLimits memory = null;
        ModuleLocation where = new ModuleLocation("memory", 0, null, null);
        if (defined == 1) {
            memory = module.memorySection().get().getMemory(0).limits();
        } else if (imported == 1) {
            for (int i = 0; i < module.importSection().importCount(); i++) {
                if (module.importSection().getImport(i) instanceof MemoryImport m) {
                    memory = m.limits();
                    where = new ModuleLocation("import", i, m.module() + "." + m.name(), null);
                }
            }
        }
        if (memory != null && memory.initialPages() > limits.maxHeapPages()) {
            throw limit("initial-memory", where, "initial memory of " + memory.initialPages()
                    + " pages is over the heap limit of " + limits.maxHeapPages() + " pages");
        }
    }

    private static void checkTables(WasmModule module, ModuleProperties.Limits limits) {
        var tables = module.tableSection();
        for (int i = 0; i < tables.tableCount(); i++) {
            checkTable(tables.getTable(i).limits(), new ModuleLocation("table", i, null, null), limits);
        }
        for (int i = 0; i < module.importSection().importCount(); i++) {
            if (module.importSection().getImport(i) instanceof TableImport t) {
                checkTable(t.limits(), new ModuleLocation("import", i, t.module() + "." + t.name(), null), limits);
            }
        }
    }

    private static void checkTable(TableLimits table, ModuleLocation where, ModuleProperties.Limits limits) {
        if (table.min() > limits.maxTableSize()) {
            throw limit("table-size", where, "table of " + table.min() + " entries is over the limit of "
                    + limits.maxTableSize());
        }
    }

    private static void checkCustomSections(SectionMap sections, ModuleProperties.Limits limits) {
        Map<String, String> visibilityByName = new HashMap<>();
        int count = 0;
        long bytes = 0;
        for (SectionMap.Section section : sections.sections()) {
            String name = section.id() == SectionMap.CUSTOM ? sections.customName(section) : null;
            if (name == null || !name.startsWith(ICP)) {
                continue;
            }
            ModuleLocation where = new ModuleLocation("custom", null, name, section.contentOffset());
            String rest = name.substring(ICP.length());
            int space = rest.indexOf(' ');
            String visibility = space < 0 ? rest : rest.substring(0, space);
            if (space < 0 || !(visibility.equals("public") || visibility.equals("private"))) {
                throw new InvalidModuleException(InvalidModuleException.Kind.CUSTOM_SECTION, "icp-visibility", where,
                        "custom sections starting with 'icp:' must be named 'icp:public <name>' or "
                                + "'icp:private <name>'");
            }
            String shortName = rest.substring(space + 1);
            if (visibilityByName.putIfAbsent(shortName, visibility) != null) {
                throw new InvalidModuleException(InvalidModuleException.Kind.CUSTOM_SECTION, "icp-duplicate", where,
                        "custom section '" + shortName + "' appears more than once (as public or private)");
            }
            count++;
            // The IC counts the name and the content of each section.
            bytes += section.size() - (sections.customContentOffset(section) - section.contentOffset())
                    + name.getBytes(StandardCharsets.UTF_8).length;
            if (count > limits.maxCustomSections()) {
                throw limit("custom-sections", where, "more than " + limits.maxCustomSections()
                        + " icp: custom sections");
            }
            if (bytes > limits.maxCustomSectionBytes().toBytes()) {
                throw limit("custom-section-bytes", where, "icp: custom sections total more than "
                        + limits.maxCustomSectionBytes().toBytes() + " bytes");
            }
        }
    }

    private static void checkDataSegments(WasmModule module) {
        var segments = module.dataSection().dataSegments();
        for (int i = 0; i < segments.length; i++) {
            if (segments[i] instanceof ActiveDataSegment active) {
                List<Instruction> offset = active.offsetInstructions();
                boolean constant = !offset.isEmpty() && offset.get(0).opcode() == OpCode.I32_CONST
                        && offset.stream().skip(1).allMatch(ins -> ins.opcode() == OpCode.END);
                if (!constant) {
                    throw new InvalidModuleException(InvalidModuleException.Kind.DATA_SEGMENT, "data-offset",
                            new ModuleLocation("data", i, null, null),
                            "active data segments must have a constant offset (a single i32.const)");
                }
            }
        }
    }

    private static ModuleLocation location(SectionMap sections, int id) {
        return sections.section(id).map(SectionMap::location).orElse(ModuleLocation.MODULE);
    }

    private static InvalidModuleException limit(String rule, ModuleLocation location, String message) {
        return new InvalidModuleException(InvalidModuleException.Kind.LIMIT, rule, location, message);
    }
}
