package com.canisterhost.execution;

/** A queue is full (or the service is shutting down): the call was not run; retrying later may succeed. */
public class ExecutorOverloadedException extends RuntimeException {

    ExecutorOverloadedException(String message) {
        super(message);
    }
}
