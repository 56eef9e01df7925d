package com.canisterhost.module;

/** The uploaded bytes are not a module this host will install; the message says what to fix and where. */
public class InvalidModuleException extends RuntimeException {

    /** The stable kinds of module problems; each is its own problem {@code type} in the API. */
    public enum Kind {
        MALFORMED("module-malformed"),
        INVALID("module-invalid"),
        NONDETERMINISTIC("module-nondeterministic"),
        IMPORT("module-import-forbidden"),
        EXPORT("module-export-invalid"),
        LIMIT("module-limit-exceeded"),
        CUSTOM_SECTION("module-custom-section-invalid"),
        DATA_SEGMENT("module-data-segment-invalid");

        private final String type;

        Kind(String type) {
            this.type = type;
        }

        public String type() {
            return type;
        }
    }

    private final Kind kind;
    private final String rule;
    private final ModuleLocation location;
    private final String detail;

    InvalidModuleException(Kind kind, String rule, ModuleLocation location, String message) {
        super(location.describe() + message);
        this.kind = kind;
        this.rule = rule;
        this.location = location;
        this.detail = message;
    }

    /** The same problem at another location (a byte offset of a rewritten module mapped back to the upload's). */
    InvalidModuleException at(ModuleLocation elsewhere) {
        return new InvalidModuleException(kind, rule, elsewhere, detail);
    }

    public Kind kind() {
        return kind;
    }

    /** The rule broken, e.g. {@code float} or {@code import-signature}: stable, finer than the kind. */
    public String rule() {
        return rule;
    }

    public ModuleLocation location() {
        return location;
    }
}
