package com.canisterhost.api;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.PathContainer;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Spring MVC's annotated request mapping with one shortcut. For a path with variables, such as a call's
 * {@code /v1/canisters/{id}/update/{method}}, Spring checks every mapping of the application (methods, media types,
 * then the path pattern) and sorts the matches: about a sixth of the service's CPU per update in a profile. Here a
 * request is first tried against only the mappings whose path patterns can match it, judged by the number of
 * segments and the literal ones, and the best of those that match, as Spring ranks them, is the handler. Anything
 * else (no match, a tie, a CORS preflight, a pattern or path this index does not understand, a mapping registered at
 * runtime) goes to Spring's own lookup, so errors such as 405 and 415 stay Spring's.
 *
 * <p>The candidates are a superset of the mappings that can match: segments are compared ignoring case, and a
 * mapping with several patterns, or with anything but literal and whole-segment {@code {variable}} segments, is
 * always a candidate.
 */
final class SegmentIndexedHandlerMapping extends RequestMappingHandlerMapping {

    private static final Pattern VARIABLE = Pattern.compile("\\{\\w+}");

    /** Puts this mapping in the place of Spring Boot's; Boot still configures it as its own. */
    @Configuration(proxyBeanMethods = false)
    static class Registration {

        @Bean
        WebMvcRegistrations segmentIndexedHandlerMapping() {
            return new WebMvcRegistrations() {
                @Override
                public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                    return new SegmentIndexedHandlerMapping();
                }
            };
        }
    }

    /** Null until the mappings are known, and again once one is added or removed at runtime. */
    private volatile Index index;

    @Override
    protected void handlerMethodsInitialized(Map<RequestMappingInfo, HandlerMethod> handlerMethods) {
        super.handlerMethodsInitialized(handlerMethods);
        index = Index.of(handlerMethods);
    }

    @Override
    public void registerMapping(RequestMappingInfo mapping, Object handler, Method method) {
        index = null;
        super.registerMapping(mapping, handler, method);
    }

    @Override
    public void unregisterMapping(RequestMappingInfo mapping) {
        index = null;
        super.unregisterMapping(mapping);
    }

    @Override
    protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
        HandlerMethod handler = indexed(lookupPath, request);
        return handler != null ? handler : super.lookupHandlerMethod(lookupPath, request);
    }

    /** Spring's lookup without the index, for tests to compare with. */
    HandlerMethod springsOwnLookup(String lookupPath, HttpServletRequest request) throws Exception {
        return super.lookupHandlerMethod(lookupPath, request);
    }

    /** The handler when the index finds the one best matching mapping (and handles the match), else null. */
    HandlerMethod indexed(String lookupPath, HttpServletRequest request) {
        Index current = index;
        List<String> segments = current == null || CorsUtils.isPreFlightRequest(request) ? null : segments(request);
        if (segments == null) {
            return null;
        }
        List<Match> matches = new ArrayList<>(2);
        for (Candidate candidate : current.candidates(segments.size())) {
            if (candidate.fits(segments)) {
                RequestMappingInfo matching = getMatchingMapping(candidate.mapping(), request);
                if (matching != null) {
                    matches.add(new Match(matching, candidate));
                }
            }
        }
        Match best = best(matches, request);
        if (best == null) {
            return null;
        }
        HandlerMethod handler = best.candidate().handler();
        request.setAttribute(BEST_MATCHING_HANDLER_ATTRIBUTE, handler);
        handleMatch(best.mapping(), lookupPath, request);
        return handler;
    }

    /**
     * The one match, or the best of several as Spring ranks them (a call without a body matches both of its
     * endpoint's mappings: the media type it lacks cannot tell them apart). Null for no match, a tie, or several
     * matches among which a path without variables might take precedence in Spring's own lookup.
     */
    private Match best(List<Match> matches, HttpServletRequest request) {
        if (matches.size() <= 1) {
            return matches.isEmpty() ? null : matches.get(0);
        }
        Comparator<RequestMappingInfo> ranking = getMappingComparator(request);
        Match best = null;
        boolean tie = false;
        for (Match match : matches) {
            if (match.candidate().literal()) {
                return null;
            }
            int order = best == null ? -1 : ranking.compare(match.mapping(), best.mapping());
            tie = order == 0 || (order > 0 && tie);
            if (order < 0) {
                best = match;
            }
        }
        return tie ? null : best;
    }

    /** The decoded segments Spring's path patterns match against, or null for a path with an empty segment. */
    private static List<String> segments(HttpServletRequest request) {
        List<PathContainer.Element> elements =
                ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication().elements();
        List<String> segments = new ArrayList<>((elements.size() + 1) / 2);
        boolean afterSeparator = false;
        for (PathContainer.Element element : elements) {
            if (element instanceof PathContainer.PathSegment segment) {
                segments.add(segment.valueToMatch());
                afterSeparator = false;
            } else if (afterSeparator) {
                return null; // "//"
            } else {
                afterSeparator = true;
            }
        }
        return afterSeparator || elements.isEmpty() ? null : segments; // a trailing "/" or an empty path
    }

    /**
     * A mapping with the shape of one of its path patterns: its segments, null where a variable stands; or no shape
     * at all (null), which fits any path. {@code literal}: the pattern has no variables (or is not understood), so
     * Spring's lookup might prefer it by its path alone.
     */
    private record Candidate(RequestMappingInfo mapping, HandlerMethod handler, String[] shape, boolean literal) {

        Candidate(RequestMappingInfo mapping, HandlerMethod handler, String[] shape) {
            this(mapping, handler, shape, shape == null || Arrays.stream(shape).allMatch(Objects::nonNull));
        }

        boolean fits(List<String> segments) {
            if (shape == null) {
                return true;
            }
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] != null && !shape[i].equalsIgnoreCase(segments.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Match(RequestMappingInfo mapping, Candidate candidate) {}

    /** The candidates for a path by its number of segments, each list ending with those that fit any path. */
    private record Index(Map<Integer, List<Candidate>> bySegments, List<Candidate> anyPath) {

        static Index of(Map<RequestMappingInfo, HandlerMethod> handlerMethods) {
            Map<Integer, List<Candidate>> bySegments = new HashMap<>();
            List<Candidate> anyPath = new ArrayList<>();
            handlerMethods.forEach((mapping, handler) -> {
                PathPatternsRequestCondition patterns = mapping.getPathPatternsCondition();
                Set<String> values = patterns == null ? Set.of() : patterns.getPatternValues();
                String[] shape = values.size() == 1 ? shape(values.iterator().next()) : null;
                if (shape == null) {
                    anyPath.add(new Candidate(mapping, handler, null));
                } else {
                    bySegments.computeIfAbsent(shape.length, n -> new ArrayList<>())
                            .add(new Candidate(mapping, handler, shape));
                }
            });
            bySegments.values().forEach(candidates -> candidates.addAll(anyPath));
            bySegments.replaceAll((length, candidates) -> List.copyOf(candidates));
            return new Index(Map.copyOf(bySegments), List.copyOf(anyPath));
        }

        List<Candidate> candidates(int segments) {
            return bySegments.getOrDefault(segments, anyPath);
        }

        /** Literal and {@code {variable}} segments only; null for anything else (wildcards, regular expressions). */
        private static String[] shape(String pattern) {
            if (!pattern.startsWith("/") || pattern.endsWith("/") || pattern.contains("//")) {
                return null;
            }
            String[] segments = pattern.substring(1).split("/");
            for (int i = 0; i < segments.length; i++) {
                String segment = segments[i];
                if (VARIABLE.matcher(segment).matches()) {
                    segments[i] = null;
                } else if (segment.chars().anyMatch(c -> c == '{' || c == '}' || c == '*' || c == '?' || c == ';')) {
                    return null;
                }
            }
            return segments;
        }
    }
}
