package com.canisterhost.module;

import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.WasmMutator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Broken wasm64 modules (mutants of src/test/resources/memory64, fixed seed) are refused as modules, never by an
 * exception of the lowering or of what runs after it: the service would answer those with a logged error.
 */
class Memory64MutantsTest {

    @Test
    void mutantsOfWasm64ModulesAreRefusedOrAcceptedNeverAnythingElse() {
        WasmMutator mutator = new WasmMutator(new Random(64));
        ModuleValidator validator = new ModuleValidator(name -> true, ModuleProperties.Limits.ic());
        List<String> failures = new ArrayList<>();
        int refused = 0;
        for (String name : new String[] {"memory", "table", "counter64", "twin64"}) {
            byte[] module = LoweredInstance.read("memory64/" + name + ".wasm");
            for (int i = 0; i < 250; i++) {
                WasmMutator.Mutant mutant = mutator.mutate(module);
                try {
                    validator.validate(mutant.bytes(), DeterminismProfile.CANONICAL_NAN);
                } catch (InvalidModuleException e) {
                    refused++;
                } catch (RuntimeException | AssertionError | StackOverflowError e) {
                    failures.add(name + " " + mutant.how() + ": " + e);
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(refused).isGreaterThan(500);
    }
}
