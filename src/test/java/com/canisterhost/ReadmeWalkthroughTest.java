package com.canisterhost;

import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the README's curl walkthrough, exactly as written, against the live service. */
class ReadmeWalkthroughTest extends EndToEndTest {

    @Test
    void theReadmeWalkthroughWorksWhenPasted() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String block = readme.substring(readme.indexOf("<!-- walkthrough:start -->"),
                readme.indexOf("<!-- walkthrough:end -->"));
        String script = block.substring(block.indexOf("```bash\n") + 8, block.lastIndexOf("```"));

        ProcessBuilder bash = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
                .redirectErrorStream(true);
        bash.environment().put("HOST", http.base());
        Process process = bash.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("created [a-z2-7-]+-cai")
                .contains("\"stateVersion\":1")
                .contains("{\"status\":\"replied\",\"reply\":\"AQAAAAAAAAA=\"")
                .containsPattern("(?m)^\\s+2$")
                .contains("urn:canister-host:problem:canister-trapped")
                .contains("\"rejectCode\":5")
                .contains("\"stateVersion\":3")
                .contains("service : {\n  add: (Person) -> (nat);")
                .contains("(1 : nat)")
                .contains("(opt record { age = 36 : nat; name = \"Ada\" })")
                .contains("\"values\":[\"2\"]")
                .contains("urn:canister-host:problem:candid-type-mismatch")
                .contains("\"path\":\"argument 1.age\"");
    }
}
