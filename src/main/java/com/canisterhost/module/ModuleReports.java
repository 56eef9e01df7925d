package com.canisterhost.module;

import com.canisterhost.candid.CandidInterface;
import com.canisterhost.candid.CandidType;
import com.canisterhost.candid.InvalidCandidException;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.UnknownCustomSection;
import java.util.ArrayList;
import java.util.List;

/** Builds the validation report of a module that passed. */
final class ModuleReports {

    private ModuleReports() {}

    static ValidationReport of(ValidatedModule module) {
        var wasm = module.module();
        List<String> imports = new ArrayList<>();
        for (int i = 0; i < wasm.importSection().importCount(); i++) {
            Import imp = wasm.importSection().getImport(i);
            if (imp.importType() == ExternalType.FUNCTION) {
                imports.add(imp.module() + "." + imp.name());
            }
        }
        // what the module as uploaded declares, not the limits it runs with (a wasm64 module's are lowered)
        ModuleShape.DeclaredMemory declared = ModuleShape.of(SectionMap.scan(module.bytes())).memory();
        ValidationReport.Memory memory = declared == null ? null
                : new ValidationReport.Memory(declared.initialPages(), declared.maximumPages(), declared.imported());
        List<ValidationReport.CustomSection> custom = new ArrayList<>();
        for (CustomSection section : wasm.customSections()) {
            String name = section.name();
            if (name.isEmpty()) {
                continue; // the neutralised start section
            }
            String visibility = name.startsWith("icp:public ") ? "public"
                    : name.startsWith("icp:private ") ? "private" : null;
            int size = section instanceof UnknownCustomSection u ? u.bytes().length : 0;
            custom.add(new ValidationReport.CustomSection(name, visibility, size));
        }
        return new ValidationReport(true, module.profile().label(), module.hashHex(), module.bytes().length, null,
                new ValidationReport.Exports(sorted(module.updateMethods()), sorted(module.queryMethods()),
                        sorted(module.compositeQueryMethods()), sorted(module.systemExports())),
                imports, module.memory64(), memory, custom, candid(module));
    }

    private static ValidationReport.Candid candid(ValidatedModule module) {
        var metadata = module.candidService().orElse(null);
        if (metadata == null) {
            return null;
        }
        String visibility = metadata.isPublic() ? "public" : "private";
        CandidInterface parsed;
        try {
            parsed = CandidInterface.parse(metadata.text());
        } catch (InvalidCandidException e) {
            return new ValidationReport.Candid(visibility, List.of(), "candid:service does not parse: "
                    + e.getMessage());
        }
        List<ValidationReport.CandidMethod> methods = new ArrayList<>();
        for (CandidType.Method method : parsed.methods()) {
            CandidType.Func func = parsed.method(method.name());
            methods.add(new ValidationReport.CandidMethod(method.name(), func.kind(), CandidInterface.signature(func)));
        }
        return new ValidationReport.Candid(visibility, methods, null);
    }

    private static List<String> sorted(java.util.Set<String> names) {
        return names.stream().sorted().toList();
    }
}
