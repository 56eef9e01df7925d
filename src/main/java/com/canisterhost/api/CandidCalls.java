package com.canisterhost.api;

import com.canisterhost.candid.CandidInterface;
import com.canisterhost.candid.CandidJson;
import com.canisterhost.candid.CandidTypeException;
import com.canisterhost.canister.CanisterInterfaces;
import com.canisterhost.execution.CallOutcome;
import java.nio.charset.StandardCharsets;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonGenerator;
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
    private final ApiProperties limits;

    CandidCalls(CanisterInterfaces interfaces, tools.jackson.databind.json.JsonMapper json, ApiProperties limits) {
        this.interfaces = interfaces;
        this.json = json;
        this.limits = limits;
    }

    /**
     * A JSON call's body, or null if it is empty. Read here rather than bound through {@code @RequestBody}: Spring's
     * message-converter path (header copies, media type parsing, validation hints) cost more CPU than the JSON
     * itself. Refusals are the converter's: {@link HttpMessageNotReadableException}, or 413 over the JSON limit.
     */
    CanisterCallController.CallRequest callRequest(HttpServletRequest request) throws java.io.IOException {
        byte[] body = Requests.readLimited(request, limits.maxJsonSize().toBytes(), "the JSON body");
        if (body.length == 0) {
            return null;
        }
        try {
            return json.readValue(body, CanisterCallController.CallRequest.class);
        } catch (tools.jackson.core.JacksonException e) {
            throw new HttpMessageNotReadableException(e.getOriginalMessage(), e, new ServletServerHttpRequest(request));
        }
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
    byte[] jsonArguments(String canisterId, String method, CanisterCallController.CallRequest body) {
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
        // written field by field: the same shape as CanisterCallController.CallReply, plus values or warning
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256 + 2 * replied.reply().length);
        try (JsonGenerator generator = json.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringProperty("status", "replied");
            generator.writeStringProperty("reply", java.util.Base64.getEncoder().encodeToString(replied.reply()));
            generator.writeNumberProperty("instructions", replied.instructions());
            generator.writeNumberProperty("stateVersion", replied.stateVersion());
            if (values != null) {
                generator.writeName("values");
                generator.writeTree(values);
            } else {
                generator.writeStringProperty("warning", warning);
            }
            generator.writeEndObject();
        }
        CanisterCallController.writeBody(response, MediaType.APPLICATION_JSON_VALUE, out.toByteArray());
        return null;
    }

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
        CanisterCallController.writeReply(response, type, body, replied);
        return null;
    }
}
