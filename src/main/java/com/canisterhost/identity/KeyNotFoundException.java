package com.canisterhost.identity;

/** No API key has this principal (404). */
public class KeyNotFoundException extends RuntimeException {

    KeyNotFoundException(String message) {
        super(message);
    }
}
