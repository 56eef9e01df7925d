package com.canisterhost.call;

/** An {@code Idempotency-Key} was used again for a different request, or its call is still running. */
public class CallConflictException extends RuntimeException {

    CallConflictException(String message) {
        super(message);
    }
}
