package com.canisterhost.canister;

/** An install option that does not fit the module (e.g. {@code wasm_memory_persistence=keep} for a module without EOP). */
public class InvalidInstallOptionException extends RuntimeException {

    InvalidInstallOptionException(String message) {
        super(message);
    }
}
