package com.canisterhost.candid;

/**
 * A value that does not have the type it must have (an argument against its method's interface), or binary Candid
 * that does not decode. {@code path} says where: {@code argument 1}, {@code argument 2 . name}, {@code … [3]}.
 */
public class CandidTypeException extends RuntimeException {

    private final String path;

    public CandidTypeException(String path, String message) {
        super(path.isEmpty() ? message : path + ": " + message);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
