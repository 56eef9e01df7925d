package com.canisterhost.api;

/** A request that is well-formed HTTP but not a valid call (bad hex, bad base64, unknown mode, ...). */
class InvalidRequestException extends RuntimeException {

    InvalidRequestException(String message) {
        super(message);
    }
}
