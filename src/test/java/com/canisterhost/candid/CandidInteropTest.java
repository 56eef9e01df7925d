package com.canisterhost.candid;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Agreement with the IC's reference encoder: src/test/resources/candid/fixtures.json holds, for every Candid type,
 * what the npm package {@code @dfinity/candid} encodes (scripts/build-candid-fixtures.sh makes it). Our decoder
 * must read each of those encodings, and our encoder, given the same types and the values as Candid text, must
 * produce the same bytes.
 */
class CandidInteropTest {

    private static List<JsonNode> cases() throws IOException {
        JsonNode fixtures = JsonMapper.builder().build()
                .readTree(Files.readString(Path.of("src/test/resources/candid/fixtures.json")));
        List<JsonNode> cases = new ArrayList<>();
        fixtures.get("cases").forEach(cases::add);
        return cases;
    }

    @Test
    void ourEncoderProducesTheReferenceBytesAndOurDecoderReadsThem() throws IOException {
        List<JsonNode> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(24);
        for (JsonNode c : cases) {
            String name = c.get("name").asString();
            CandidInterface iface = CandidInterface.parse(c.get("did").asString());
            byte[] reference = HexFormat.of().parseHex(c.get("hex").asString());
            byte[] ours = iface.encodeArguments("m", c.get("args").asString());
            assertThat(HexFormat.of().formatHex(ours)).as(name).isEqualTo(c.get("hex").asString());

            CandidDecoding.Decoded decoded = CandidDecoding.decode(reference);
            assertThat(decoded.values()).as(name).hasSize(iface.method("m").args().size());
            // printed with the interface's names, it reads back to the same bytes
            String text = CandidText.format(decoded, iface, iface.method("m").args());
            assertThat(HexFormat.of().formatHex(iface.encodeArguments("m", text))).as("%s: %s", name, text)
                    .isEqualTo(c.get("hex").asString());
        }
    }
}
