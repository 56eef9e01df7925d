package com.canisterhost.module;

/** Which {@code ic0} functions the execution engine provides; validation refuses imports of the others. */
public interface HostFunctionCatalog {

    boolean provides(String ic0Function);
}
