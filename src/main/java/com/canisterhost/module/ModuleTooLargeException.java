package com.canisterhost.module;

/** The module (or what a gzip module inflates to) is over the size cap. */
public class ModuleTooLargeException extends RuntimeException {

    ModuleTooLargeException(String message) {
        super(message);
    }
}
