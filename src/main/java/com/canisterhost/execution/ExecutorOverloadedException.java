package com.canisterhost.execution;

/** Every worker is busy and the wait queue is full: the call was not run; retrying later may succeed. */
public class ExecutorOverloadedException extends RuntimeException {

    ExecutorOverloadedException() {
        super("all execution workers are busy and the queue is full; retry later");
    }
}
