package com.canisterhost.api;

/** A request body is over its cap. */
class PayloadTooLargeException extends RuntimeException {

    PayloadTooLargeException(String message) {
        super(message);
    }
}
