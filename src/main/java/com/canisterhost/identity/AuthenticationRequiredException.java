package com.canisterhost.identity;

/** No usable key: none for a call that needs one, or an unknown, revoked or malformed one (401). */
public class AuthenticationRequiredException extends RuntimeException {

    public AuthenticationRequiredException(String message) {
        super(message);
    }
}
