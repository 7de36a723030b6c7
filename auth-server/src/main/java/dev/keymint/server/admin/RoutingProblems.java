package dev.keymint.server.admin;

import dev.keymint.server.web.Problems;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Requests that match no handler at all (a method an admin path does not support, a path that
 * does not exist) never reach {@link AdminExceptionHandler}, which is scoped to the admin
 * controllers; they get the same problem JSON here instead of the container's default.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
final class RoutingProblems {

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED);
        if (e.getSupportedHttpMethods() != null) {
            response.header(HttpHeaders.ALLOW, e.getSupportedHttpMethods().stream().map(Object::toString)
                    .reduce((a, b) -> a + ", " + b).orElse(""));
        }
        return response.body(Problems.of(HttpStatus.METHOD_NOT_ALLOWED,
                "Method " + e.getMethod() + " is not supported here"));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NoResourceFoundException e) {
        return ResponseEntity.status(HttpServletResponse.SC_NOT_FOUND)
                .body(Problems.ofStatus(HttpServletResponse.SC_NOT_FOUND));
    }
}
