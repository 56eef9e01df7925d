package com.canisterhost.api;

/** No tracked call has this id. */
class CallNotFoundException extends RuntimeException {

    CallNotFoundException(String message) {
        super(message);
    }
}
