package com.canisterhost.api;

import com.canisterhost.candid.CandidInterface;
import com.canisterhost.candid.CandidTypeException;
import com.canisterhost.canister.CanisterInterfaces;
import com.canisterhost.execution.CallOutcome;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Calls in Candid text ({@code text/x-candid}): arguments typed by the canister's interface, replies printed with
 * its field names.
 */
@Component
class CandidCalls {

    static final String CANDID = "text/x-candid";
    private static final MediaType CANDID_TYPE = new MediaType("text", "x-candid", StandardCharsets.UTF_8);

    private final CanisterInterfaces interfaces;

    CandidCalls(CanisterInterfaces interfaces) {
        this.interfaces = interfaces;
    }

    /** The binary argument of {@code method} from the Candid text of its arguments. */
    byte[] arguments(String canisterId, String method, byte[] body) {
        CandidInterface iface = interfaces.interfaceOf(canisterId);
        if (iface == null) {
            throw new CandidTypeException("", "canister " + canisterId + " has no Candid interface to type the "
                    + "arguments by; attach one (PUT /v1/canisters/" + canisterId + "/candid) or send binary Candid");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("Candid text must be UTF-8");
        }
        return iface.encodeArguments(method, text);
    }

    /**
     * A reply as Candid text; one that is not valid Candid is answered raw ({@code application/octet-stream}) with
     * a {@code Candid-Warning} header saying why.
     */
    ResponseEntity<Object> reply(String canisterId, String method, CallOutcome.Replied replied) {
        String text;
        try {
            text = CandidInterface.formatReply(interfaces.interfaceOf(canisterId), method, replied.reply());
        } catch (CandidTypeException e) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .header("Candid-Warning", "the reply is not Candid: " + e.getMessage())
                    .header("X-Instructions", Long.toString(replied.instructions()))
                    .header("X-State-Version", Long.toString(replied.stateVersion()))
                    .body(replied.reply());
        }
        return ResponseEntity.ok().contentType(CANDID_TYPE)
                .header("X-Instructions", Long.toString(replied.instructions()))
                .header("X-State-Version", Long.toString(replied.stateVersion()))
                .body(text);
    }
}
