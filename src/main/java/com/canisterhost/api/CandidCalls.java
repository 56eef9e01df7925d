package com.canisterhost.api;

import com.canisterhost.candid.CandidInterface;
import com.canisterhost.candid.CandidJson;
import com.canisterhost.candid.CandidTypeException;
import com.canisterhost.canister.CanisterInterfaces;
import com.canisterhost.execution.CallOutcome;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Calls in Candid text ({@code text/x-candid}): arguments typed by the canister's interface, replies printed with
 * its field names.
 */
@Component
class CandidCalls {

    static final String CANDID = "text/x-candid";
    private static final String CANDID_CONTENT_TYPE = "text/x-candid;charset=UTF-8";

    private final CanisterInterfaces interfaces;
    private final tools.jackson.databind.json.JsonMapper json;

    CandidCalls(CanisterInterfaces interfaces, tools.jackson.databind.json.JsonMapper json) {
        this.interfaces = interfaces;
        this.json = json;
    }

    /** The binary argument of {@code method} from the Candid text of its arguments. */
    byte[] arguments(String canisterId, String method, byte[] body) {
        return typing(interfaces.interfaceOf(canisterId), canisterId, "binary Candid")
                .encodeArguments(method, Requests.utf8(body, "Candid text"));
    }

    /** The interface that types a call's arguments, which must exist; {@code otherwise}: what to send instead. */
    private static CandidInterface typing(CandidInterface iface, String canisterId, String otherwise) {
        if (iface == null) {
            throw new CandidTypeException("", "canister " + canisterId + " has no Candid interface to type the "
                    + "arguments by; attach one (PUT /v1/canisters/" + canisterId + "/candid) or send " + otherwise);
        }
        return iface;
    }

    /**
     * The binary argument from a JSON call's {@code args}, or null if the call is not typed: without {@code args},
     * or with an empty {@code args} beside an {@code arg} or for a canister without an interface (generated
     * clients send {@code "args": []} by default, which must not change what their calls meant before).
     */
    byte[] jsonArguments(String canisterId, String method, CanisterController.CallRequest body) {
        JsonNode args = body == null ? null : body.args();
        if (args == null || args.isNull() || args.isArray() && args.isEmpty() && body.arg() != null) {
            return null;
        }
        if (body.arg() != null) {
            throw new InvalidRequestException("send either arg (binary, base64) or args (JSON values), not both");
        }
        CandidInterface iface = interfaces.interfaceOf(canisterId);
        if (iface == null && args.isArray() && args.isEmpty()) {
            return null;
        }
        return CandidJson.encodeArguments(typing(iface, canisterId, "arg"), method, args);
    }

    /**
     * A typed JSON call's reply: the raw reply and its values by the interface (or a warning where the reply is not
     * Candid), written straight to the response.
     */
    ResponseEntity<Object> jsonReply(String canisterId, String method, CallOutcome.Replied replied,
            jakarta.servlet.http.HttpServletResponse response) throws java.io.IOException {
        JsonNode values = null;
        String warning = null;
        try {
            values = CandidJson.formatReply(interfaces.interfaceOf(canisterId), method, replied.reply());
        } catch (CandidTypeException e) {
            warning = "the reply is not Candid: " + e.getMessage();
        }
        CanisterController.writeBody(response, MediaType.APPLICATION_JSON_VALUE, json.writeValueAsBytes(
                new TypedReply("replied", java.util.Base64.getEncoder().encodeToString(replied.reply()),
                        replied.instructions(), replied.stateVersion(), values, warning)));
        return null;
    }

    /** {@link CanisterController.CallReply} with the reply's {@code values} as JSON, or a {@code warning}. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record TypedReply(String status, String reply, long instructions, long stateVersion,
            tools.jackson.databind.JsonNode values, String warning) {}

    /**
     * A reply as Candid text, written straight to the response as raw replies are (null tells Spring MVC it is
     * complete); one that is not valid Candid is answered raw ({@code application/octet-stream}) with a
     * {@code Candid-Warning} header saying why.
     */
    ResponseEntity<Object> reply(String canisterId, String method, CallOutcome.Replied replied,
            jakarta.servlet.http.HttpServletResponse response) throws java.io.IOException {
        byte[] body;
        String type;
        try {
            body = CandidInterface.formatReply(interfaces.interfaceOf(canisterId), method, replied.reply())
                    .getBytes(StandardCharsets.UTF_8);
            type = CANDID_CONTENT_TYPE;
        } catch (CandidTypeException e) {
            body = replied.reply();
            type = MediaType.APPLICATION_OCTET_STREAM_VALUE;
            response.setHeader("Candid-Warning", "the reply is not Candid: " + e.getMessage());
        }
        CanisterController.writeReply(response, type, body, replied);
        return null;
    }
}
