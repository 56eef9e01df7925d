package com.canisterhost.module;

/**
 * Where in a module a problem is.
 *
 * @param section the Wasm section ({@code code}, {@code import}, ...), null for the module as a whole
 * @param index the entry within that section; for code, the function index (imports first)
 * @param name the export or import name, custom section name, or function name from the name section
 * @param offset byte offset in the uncompressed module: of the offending instruction, or of the section's content
 */
public record ModuleLocation(String section, Integer index, String name, Integer offset) {

    static final ModuleLocation MODULE = new ModuleLocation(null, null, null, null);

    static ModuleLocation at(int offset) {
        return new ModuleLocation(null, null, null, offset);
    }

    /** A readable prefix for messages, e.g. {@code "code section, function 3 ($add), byte 0x1f2: "}. */
    String describe() {
        StringBuilder text = new StringBuilder();
        if (section != null) {
            text.append(section).append(" section");
        }
        if (index != null) {
            text.append(text.isEmpty() ? "" : ", ").append("code".equals(section) ? "function " : "entry ")
                    .append(index);
        }
        if (name != null) {
            text.append(index != null ? " (" + ("code".equals(section) ? "$" : "") + name + ")"
                    : (text.isEmpty() ? "" : " ") + "'" + name + "'");
        }
        if (offset != null) {
            text.append(text.isEmpty() ? "" : ", ").append("byte 0x").append(Integer.toHexString(offset));
        }
        return text.isEmpty() ? "" : text + ": ";
    }
}
