package com.canisterhost.canister;

/** No canister has this id (or the id is not a valid principal). */
public class CanisterNotFoundException extends RuntimeException {

    CanisterNotFoundException(String message) {
        super(message);
    }
}
