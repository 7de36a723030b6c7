package dev.keymint.server.admin;

import dev.keymint.server.web.Problems;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * An admin API failure the caller caused or must know about, answered as
 * {@code application/problem+json}. The detail never contains a secret.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457#section-3">RFC 9457 §3</a>
 */
public final class AdminProblem extends RuntimeException {

    private final transient ProblemDetail problem;
    /** For a 403: the scope the caller would need (RFC 6750 {@code scope}), or null when no scope would do. */
    private String requiredScope;

    private AdminProblem(HttpStatus status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.problem = Problems.of(status, type, title, detail);
    }

    ProblemDetail problem() {
        return problem;
    }

    String requiredScope() {
        return requiredScope;
    }

    AdminProblem with(String property, Object value) {
        problem.setProperty(property, value);
        return this;
    }

    /** One bad field of a request body: {@code {"field": "scopes[1]", "message": "…"}}. */
    record FieldError(String field, String message) {
    }

    /** The bad fields of an {@link #invalid} problem; empty for any other. */
    @SuppressWarnings("unchecked")
    List<FieldError> fieldErrors() {
        Object errors = problem.getProperties() == null ? null : problem.getProperties().get("errors");
        return errors instanceof List<?> list ? (List<FieldError>) list : List.of();
    }

    /** 400 with one entry per bad field. */
    static AdminProblem invalid(List<FieldError> fieldErrors) {
        return new AdminProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "The request has " + fieldErrors.size() + " invalid field(s)").with("errors", fieldErrors);
    }

    static AdminProblem badRequest(String detail) {
        return new AdminProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
    }

    static AdminProblem notFound(String what) {
        return missing(what + " does not exist");
    }

    static AdminProblem missing(String detail) {
        return new AdminProblem(HttpStatus.NOT_FOUND, "not-found", "Not found", detail);
    }

    static AdminProblem conflict(String detail) {
        return new AdminProblem(HttpStatus.CONFLICT, "conflict", "Conflict", detail);
    }

    static AdminProblem forbidden(String detail) {
        return new AdminProblem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
    }

    /** 403 because the caller's token lacks {@code scopes}; they go into the challenge's {@code scope}. */
    static AdminProblem insufficientScope(String detail, List<String> scopes) {
        AdminProblem problem = new AdminProblem(HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden", detail);
        problem.requiredScope = String.join(" ", scopes);
        return problem;
    }

    static AdminProblem tooLarge(String detail) {
        return new AdminProblem(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Request too large", detail);
    }
}
