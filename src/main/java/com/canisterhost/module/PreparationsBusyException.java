package com.canisterhost.module;

/** Every permit for decoding and validating uploads is taken (503 with {@code Retry-After}, at once). */
public class PreparationsBusyException extends RuntimeException {

    PreparationsBusyException(String message) {
        super(message);
    }
}
