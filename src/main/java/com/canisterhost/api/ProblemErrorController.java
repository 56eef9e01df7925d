package com.canisterhost.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reached a controller (a failing filter, the servlet container refusing a request) are
 * answered as problem+json too, with a generic detail: the container's message may name classes.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Object> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code == null) { // asked for directly, not forwarded to by the container
            return Problems.respond(Problems.problem(HttpStatus.NOT_FOUND, "not-found", "Not Found",
                    "no endpoint at this path; the API lives under /v1"));
        }
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
        String detail = status.is5xxServerError() ? "the service failed to handle the request; see the service log"
                : "the request was refused (" + status.getReasonPhrase() + ")";
        return Problems.respond(Problems.problem(status, Problems.kindFor(status.value()), status.getReasonPhrase(),
                detail));
    }
}
