package com.canisterhost.candid;

/** Candid text (an interface, or later a value) that does not parse or does not check; the message says where. */
public class InvalidCandidException extends RuntimeException {

    private final int line;
    private final int column;

    public InvalidCandidException(String message, int line, int column) {
        super("line " + line + ", column " + column + ": " + message);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
