package dev.keymint.server.admin;

import dev.keymint.server.keys.KeyChangeNotConfirmedException;
import dev.keymint.server.keys.KeyRefusedException;
import dev.keymint.server.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The admin API's one error writer: every failure, Spring MVC's own included (wrong method,
 * unreadable parameters, …), becomes {@code application/problem+json}; an unexpected failure is
 * logged with its stack trace and answered with a bare 500 problem, never a stack trace. Every 403 carries
 * its RFC 6750 {@code WWW-Authenticate} challenge.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
@RestControllerAdvice(basePackageClasses = AdminExceptionHandler.class)
@org.springframework.core.annotation.Order(0)
final class AdminExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(AdminExceptionHandler.class);

    @ExceptionHandler(AdminProblem.class)
    ResponseEntity<ProblemDetail> problem(AdminProblem problem, HttpServletRequest request) {
        ProblemDetail body = problem.problem();
        body.setInstance(URI.create(request.getRequestURI()));
        ResponseEntity.BodyBuilder response = ResponseEntity.status(body.getStatus());
        if (body.getStatus() == HttpStatus.FORBIDDEN.value()) {
            response.header(HttpHeaders.WWW_AUTHENTICATE,
                    AdminSecurityConfiguration.insufficientScope(body.getDetail(), problem.requiredScope()));
        }
        return response.body(body);
    }

    /** The keys package's refusals, answered as the admin API's problems. */
    @ExceptionHandler(KeyRefusedException.class)
    ResponseEntity<ProblemDetail> keyRefused(KeyRefusedException e, HttpServletRequest request) {
        AdminProblem problem = switch (e.reason()) {
            case NOT_FOUND -> AdminProblem.missing(e.getMessage());
            case CONFLICT -> e.lastUsedAt() == null ? AdminProblem.conflict(e.getMessage())
                    : AdminProblem.conflict(e.getMessage()).with("last_used_at", e.lastUsedAt().toString());
            case FORBIDDEN -> AdminProblem.forbidden(e.getMessage());
            case SCOPES_NOT_HELD -> AdminProblem.insufficientScope(e.getMessage(), e.scopesNotHeld())
                    .with("scopes_not_held", e.scopesNotHeld());
        };
        return problem(problem, request);
    }

    /**
     * Only a database that cannot be reached is "unavailable" (a transaction that could not begin
     * failed to get its connection: the same outage); any other database error is a bug of ours
     * (the request was validated before it got there), answered as one.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessResourceException.class,
            CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> database(RuntimeException e) {
        log.error("Admin request failed on the database: {}", e.getClass().getSimpleName());
        ProblemDetail body = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service Unavailable",
                "The database is unavailable; retry shortly");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1").body(body);
    }

    /** The change stands; the caller learns that some instance may not see it yet, and may repeat the call. */
    @ExceptionHandler(KeyChangeNotConfirmedException.class)
    ResponseEntity<ProblemDetail> notConfirmed(KeyChangeNotConfirmedException e) {
        log.warn("Admin key change not confirmed by every instance: {}", e.getMessage());
        ProblemDetail body = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "not-confirmed", "Service Unavailable",
                e.getMessage() + "; until it is, that instance may still issue tokens for the key as it was."
                        + " Repeat the request to wait again.");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1").body(body);
    }

    /**
     * Spring MVC's own failures (a parameter of the wrong type, a body of the wrong media type, …):
     * its detail, in the shape of every other admin problem.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.ofStatus(status.value());
        if (body instanceof ProblemDetail spring && spring.getDetail() != null) {
            problem.setDetail(spring.getDetail());
        }
        return super.handleExceptionInternal(e, problem, headers, status, request);
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<ProblemDetail> unexpected(RuntimeException e, HttpServletRequest request) {
        // The stack trace stays in the server's log: it is what a bug report needs, and no client's business.
        log.error("Admin request {} {} failed", request.getMethod(), request.getRequestURI(), e);
        ProblemDetail body = Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");
        return ResponseEntity.internalServerError().body(body);
    }
}
