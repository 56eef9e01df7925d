package com.canisterhost.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The service's request mapping takes its shortcut for calls, picks what Spring's own lookup picks wherever it
 * takes it, still finds every endpoint, and still answers 405 and 415 where Spring would.
 */
class SegmentIndexedHandlerMappingTest extends EndToEndTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mapping;

    private static MockHttpServletRequest request(String method, String path, String contentType, boolean body) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        if (contentType != null) {
            request.setContentType(contentType);
        }
        if (body) {
            request.setContent(new byte[] {1});
            request.addHeader("Content-Length", "1"); // what Spring looks at to tell whether there is a body
        }
        ServletRequestPathUtils.parseAndCache(request);
        return request;
    }

    private static Method method(HandlerMethod handler) {
        return handler == null ? null : handler.getMethod();
    }

    @Test
    void callsAreMatchedByTheIndexAsSpringWouldMatchThem() throws Exception {
        SegmentIndexedHandlerMapping indexed = (SegmentIndexedHandlerMapping) mapping;
        Object[][] calls = {
            {"/v1/canisters/aaaaa-aa/update/inc", "application/octet-stream", true, "updateRaw"},
            {"/v1/canisters/aaaaa-aa/update/inc", "application/json", true, "updateJson"},
            {"/v1/canisters/aaaaa-aa/update/inc", "application/octet-stream", false, "updateRaw"},
            {"/v1/canisters/aaaaa-aa/update/inc", null, false, "updateRaw"},
            {"/v1/canisters/aaaaa-aa/query/get", "application/octet-stream", true, "queryRaw"},
            {"/v1/canisters/aaaaa-aa/query/get", "application/json", true, "queryJson"},
            {"/v1/canisters/aaaaa-aa/query/get", null, false, "queryRaw"},
        };
        for (Object[] call : calls) {
            String path = (String) call[0];
            String description = path + " " + call[1] + (((boolean) call[2]) ? " with a body" : " without a body");
            MockHttpServletRequest request = request("POST", path, (String) call[1], (boolean) call[2]);
            HandlerMethod handler = indexed.indexed(path, request);
            assertThat(handler).as(description).isNotNull();
            assertThat(handler.getMethod().getName()).as(description).isEqualTo(call[3]);
            assertThat(method(indexed.springsOwnLookup(path,
                            request("POST", path, (String) call[1], (boolean) call[2]))))
                    .as(description).isEqualTo(handler.getMethod());
            assertThat(request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE))
                    .isEqualTo(Map.of("id", "aaaaa-aa", "method", path.endsWith("inc") ? "inc" : "get"));
            assertThat(request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE))
                    .isEqualTo(path.replace("aaaaa-aa", "{id}").replaceAll("/(inc|get)$", "/{method}"));
        }
        // what no mapping accepts is left to Spring (which answers 405, 415 or 404)
        String call = "/v1/canisters/aaaaa-aa/update/inc";
        assertThat(indexed.indexed(call, request("GET", call, null, false))).isNull();
        assertThat(indexed.indexed(call, request("POST", call, "text/plain", true))).isNull();
        assertThat(indexed.indexed(call + "/", request("POST", call + "/", "application/json", true))).isNull();
        String empty = "/v1/canisters//update/inc";
        assertThat(indexed.indexed(empty, request("POST", empty, "application/json", true))).isNull();
    }

    @Test
    void everyEndpointResolvesToItsOwnHandlerAndTheIndexAgreesWithSpring() throws Exception {
        SegmentIndexedHandlerMapping indexed = (SegmentIndexedHandlerMapping) mapping;
        List<String> shortcuts = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = entry.getKey();
            String path = info.getPatternValues().iterator().next().replaceAll("\\{\\w+}", "x1");
            String method = info.getMethodsCondition().getMethods().isEmpty() ? "GET"
                    : info.getMethodsCondition().getMethods().iterator().next().name();
            String contentType = info.getConsumesCondition().getConsumableMediaTypes().stream()
                    .findFirst().map(MediaType::toString).orElse(null);
            String description = method + " " + path + " " + contentType;

            HandlerExecutionChain chain = mapping.getHandler(request(method, path, contentType, true));
            assertThat(chain).as(description).isNotNull();
            assertThat(method(((HandlerMethod) chain.getHandler()))).as(description)
                    .isEqualTo(entry.getValue().getMethod());

            for (boolean body : new boolean[] {true, false}) {
                HandlerMethod byIndex = indexed.indexed(path, request(method, path, contentType, body));
                if (byIndex != null) {
                    shortcuts.add(description);
                    assertThat(byIndex.getMethod()).as(description)
                            .isEqualTo(method(indexed.springsOwnLookup(path,
                                    request(method, path, contentType, body))));
                }
            }
        }
        assertThat(shortcuts).as("endpoints the index resolved").hasSizeGreaterThan(20);
    }

    @Test
    void requestsNoMappingAcceptsStillGetSpringsAnswers() {
        String id = http.createCanister();
        Http.Response wrongMethod = http.send("GET", "/v1/canisters/" + id + "/update/inc", null, null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow"))
                .hasValueSatisfying(allow -> assertThat(allow).contains("POST"));
        Http.Response wrongType = http.send("POST", "/v1/canisters/" + id + "/update/inc", "text/plain",
                "x".getBytes());
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.contentType()).startsWith("application/problem+json");
    }
}
