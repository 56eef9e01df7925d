package com.canisterhost.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.NameCustomSection;

/** Function names from the module's name section, by function index (imports first). */
final class FunctionNames {

    private final NameCustomSection names;
    private final int importedFunctions;

    FunctionNames(WasmModule module) {
        this.names = module.nameSection();
        this.importedFunctions = module.importSection().count(ExternalType.FUNCTION);
    }

    int importedFunctions() {
        return importedFunctions;
    }

    /** The function's name, or null if the name section has none. */
    String of(int functionIndex) {
        return names == null ? null : names.nameOfFunction(functionIndex);
    }
}
