package com.canisterhost.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * How a call's reply is sent, by the client's {@code Accept}: JSON unless raw bytes or Candid text rank first (by
 * quality, then order), so a generated client that lists every type the contract names still gets JSON.
 */
enum ReplyFormat {
    JSON, RAW, CANDID;

    private static final MediaType CANDID_TEXT = MediaType.parseMediaType(CandidCalls.CANDID);

    static ReplyFormat of(String accept) {
        if (accept == null) {
            return JSON;
        }
        List<MediaType> types;
        try {
            types = new ArrayList<>(MediaType.parseMediaTypes(accept));
        } catch (InvalidMediaTypeException e) {
            throw new InvalidRequestException("the Accept header is malformed");
        }
        types.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed()); // stable: keeps the order
        for (MediaType type : types) {
            if (type.includes(MediaType.APPLICATION_JSON) && !type.isWildcardType()) {
                return JSON;
            }
            if (type.equals(MediaType.APPLICATION_OCTET_STREAM)) {
                return RAW;
            }
            if (type.equalsTypeAndSubtype(CANDID_TEXT)) {
                return CANDID;
            }
        }
        return JSON;
    }
}
