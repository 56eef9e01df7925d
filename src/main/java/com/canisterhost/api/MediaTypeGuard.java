package com.canisterhost.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request whose {@code Content-Type} is not one concrete media type (415) or whose {@code Accept} does not
 * parse (406) before Spring MVC reads them: some of its code paths take such headers for a programming error.
 * The refusal goes through the error page, which answers problem+json.
 */
@Component
class MediaTypeGuard extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && !concrete(contentType)) {
            response.sendError(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE);
            return;
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept != null && !parses(accept)) {
            response.sendError(HttpServletResponse.SC_NOT_ACCEPTABLE);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean concrete(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static boolean parses(String accept) {
        try {
            MediaType.parseMediaTypes(accept).forEach(MediaType::getQualityValue);
            return true;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
