package com.canisterhost.support;

import com.canisterhost.CanisterHostApplication;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole service on a random port, over real HTTP, against a real PostgreSQL database of its own. */
@SpringBootTest(
        classes = CanisterHostApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "canister.execution.wall-clock-limit=3s")
public abstract class EndToEndTest {

    @LocalServerPort
    private int port;

    protected Http http;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.Database database = TestDatabase.create();
        registry.add("spring.datasource.url", database::url);
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", database::password);
    }

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    protected int port() {
        return port;
    }

    /** A new canister with {@code src/test/resources/<directory>/<name>.wasm} installed (no arguments). */
    protected String installed(String directory, String name) {
        String id = http.createCanister();
        Http.Response installed = http.install(id, CanisterFixtures.wasm(directory, name), "");
        org.assertj.core.api.Assertions.assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return id;
    }

    /**
     * A new canister with a Motoko test canister installed: {@code src/test/resources/<directory>/<name>.wasm}, no
     * init arguments, under the canonical-nan profile (Motoko's runtime has floats).
     */
    protected String installMotoko(String directory, String name) {
        String id = http.createCanister();
        Http.Response installed = http.install(id, CanisterFixtures.wasm(directory, name),
                "profile=canonical-nan&arg=4449444c0000");
        org.assertj.core.api.Assertions.assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return id;
    }
}
