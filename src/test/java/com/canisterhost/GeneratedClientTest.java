package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.canisterhost.client.ApiClient;
import com.canisterhost.client.ApiException;
import com.canisterhost.client.api.CanistersApi;
import com.canisterhost.client.model.CallReply;
import com.canisterhost.client.model.CallRequest;
import com.canisterhost.client.model.CanisterStatus;
import com.canisterhost.client.model.DeterminismProfile;
import com.canisterhost.client.model.InstallMode;
import com.canisterhost.support.EndToEndTest;
import java.io.File;
import java.nio.file.Files;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client OpenAPI Generator builds from openapi.yaml runs the walkthrough against the live service. */
class GeneratedClientTest extends EndToEndTest {

    @TempDir
    File temp;

    @Test
    void createInstallUpdateQueryWithTheGeneratedClient() throws Exception {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + port());
        CanistersApi api = new CanistersApi(client);

        CanisterStatus created = api.createCanister();
        assertThat(created.getStatus()).isEqualTo(CanisterStatus.StatusEnum.RUNNING);
        assertThat(created.getModuleHash()).isNull();

        File module = new File(temp, "counter.wasm");
        Files.write(module.toPath(), wasm("counter"));
        // query-parameter mode/arg/profile/wasm_memory_persistence left null; the multipart fields carry them
        CanisterStatus installed = api.installModule(created.getId(), module, null, null, null, null,
                HexFormat.of().formatHex(u64(10)), InstallMode.INSTALL, DeterminismProfile.STRICT, null);
        assertThat(installed.getModuleHash()).hasSize(64);
        assertThat(installed.getStateVersion()).isEqualTo(1);
        assertThat(installed.getProfile()).isEqualTo(CanisterStatus.ProfileEnum.STRICT);

        CallReply update = api.callUpdate(created.getId(), "inc", null, null, new CallRequest());
        assertThat(update.getStatus()).isEqualTo(CallReply.StatusEnum.REPLIED);
        assertThat(u64(update.getReply())).isEqualTo(11);
        assertThat(update.getStateVersion()).isEqualTo(2);

        CallReply added = api.callUpdate(created.getId(), "add", "add-4", null, new CallRequest().arg(u64(4)));
        assertThat(u64(added.getReply())).isEqualTo(15);
        // a retry under the same Idempotency-Key gets the same reply and adds nothing
        CallReply retried = api.callUpdate(created.getId(), "add", "add-4", null, new CallRequest().arg(u64(4)));
        assertThat(retried).isEqualTo(added);

        CallReply query = api.callQuery(created.getId(), "get", new CallRequest());
        assertThat(u64(query.getReply())).isEqualTo(15);
        assertThat(query.getStateVersion()).isEqualTo(3);

        assertThat(api.getCanister(created.getId()).getStateVersion()).isEqualTo(3);
        assertThat(api.listCanisters().getCanisters()).extracting(CanisterStatus::getId).contains(created.getId());

        ApiException trapped = catchThrowableOfType(ApiException.class,
                () -> api.callUpdate(created.getId(), "inc_then_trap", null, null, new CallRequest()));
        assertThat(trapped.getCode()).isEqualTo(422);
        assertThat(trapped.getResponseBody()).contains("canister-trapped");
    }
}
