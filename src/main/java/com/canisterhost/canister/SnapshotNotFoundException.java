package com.canisterhost.canister;

/** The canister has no snapshot with this id. */
public class SnapshotNotFoundException extends RuntimeException {

    SnapshotNotFoundException(String message) {
        super(message);
    }
}
