package com.canisterhost.canister;

/** The canister has no Candid interface: its module declares none and no controller attached one. */
public class CandidNotFoundException extends RuntimeException {

    CandidNotFoundException(String message) {
        super(message);
    }
}
