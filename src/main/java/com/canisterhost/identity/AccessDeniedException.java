package com.canisterhost.identity;

/** The caller is known but not allowed to do this (403). */
public class AccessDeniedException extends RuntimeException {

    public AccessDeniedException(String message) {
        super(message);
    }
}
