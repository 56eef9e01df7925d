package com.canisterhost;

import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAPI Generator (its CLI, 7.25.0, copied to target/tools by the build) makes a Java client from a real
 * canister's {@code openapi.json}; the client compiles, and calls the canister through the service.
 */
class CanisterClientGenerationTest extends EndToEndTest {

    @TempDir
    Path work;

    @Test
    void aClientGeneratedFromACanistersDocumentCallsIt() throws Exception {
        String id = installMotoko("motoko", "records");
        Path spec = work.resolve("records.json");
        Files.write(spec, http.send("GET", "/v1/canisters/" + id + "/openapi.json", null, null).body());

        Path out = work.resolve("client");
        Process generator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target/tools/openapi-generator-cli.jar").toAbsolutePath().toString(), "generate",
                "-g", "java", "--library", "native", "-i", spec.toString(), "-o", out.toString(),
                "--api-package", "records.api", "--model-package", "records.model", "--invoker-package",
                "records.client", "--additional-properties",
                "openApiNullable=false,useJakartaEe=true,hideGenerationTimestamp=true")
                .redirectErrorStream(true).redirectOutput(work.resolve("generator.log").toFile()).start();
        assertThat(generator.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(generator.exitValue()).as(Files.readString(work.resolve("generator.log"))).isZero();

        List<String> sources;
        try (Stream<Path> files = Files.walk(out.resolve("src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        Path classes = Files.createDirectories(work.resolve("classes"));
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> options = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-classpath", classpath,
                "-proc:none", "-nowarn"));
        options.addAll(sources);
        java.io.StringWriter errors = new java.io.StringWriter();
        int compiled = javac.run(null, null, new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                errors.write(b);
            }
        }), options.toArray(String[]::new));
        assertThat(compiled).as("javac: %s", errors).isZero();

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Object apiClient = loader.loadClass("records.client.ApiClient").getConstructor().newInstance();
            apiClient.getClass().getMethod("updateBaseUri", String.class).invoke(apiClient, http.base());
            Class<?> apiType = loader.loadClass("records.api.DefaultApi");
            Object api = apiType.getConstructor(apiClient.getClass()).newInstance(apiClient);

            Object added = call(api, "add", List.of(Map.of("name", "Ada", "age", "36")));
            assertThat(values(added)).isEqualTo(List.of("1"));
            Object oldest = call(api, "oldest", List.of());
            assertThat(values(oldest).toString()).isEqualTo("[[{age=36, name=Ada}]]");
        }
    }

    /** Calls the generated operation {@code name} with a request whose {@code args} are {@code args}. */
    private static Object call(Object api, String name, List<Object> args) throws Exception {
        Method operation = Stream.of(api.getClass().getMethods())
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == 1).findFirst().orElseThrow();
        Object request = operation.getParameterTypes()[0].getConstructor().newInstance();
        request.getClass().getMethod("setArgs", List.class).invoke(request, args);
        return operation.invoke(api, request);
    }

    private static Object values(Object reply) throws Exception {
        return reply.getClass().getMethod("getValues").invoke(reply);
    }
}
