package dev.keymint.server.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place every admin query parameter passes before anything reads it: a query string
 * that is not valid percent-encoded UTF-8 ({@code ?name=q%}), or a parameter name or value with
 * a control character ({@code ?name=%00}, which PostgreSQL refuses to store or compare), is a
 * 400 problem here, so no endpoint, and no query, ever sees one. A form or multipart body, which
 * the container would parse as parameters too (and fail on, without a multipart boundary), is a
 * 415: admin bodies are JSON. Thread-safe.
 */
final class AdminQueryGuard extends OncePerRequestFilter {

    private final JsonMapper json;

    AdminQueryGuard(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        MediaType type = contentType(request);
        if (type != null && (MediaType.APPLICATION_FORM_URLENCODED.includes(type) || type.getType().equals("multipart"))) {
            AdminSecurityConfiguration.writeProblem(json, response, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-media-type", "Unsupported media type",
                    "The admin API takes JSON bodies (Content-Type: application/json)");
            return;
        }
        String problem = problem(request);
        if (problem != null) {
            AdminSecurityConfiguration.writeProblem(json, response, HttpStatus.BAD_REQUEST, "invalid-request",
                    "Invalid request", problem);
            return;
        }
        chain.doFilter(request, response);
    }

    private static MediaType contentType(HttpServletRequest request) {
        try {
            return request.getContentType() == null ? null : MediaType.parseMediaType(request.getContentType());
        } catch (InvalidMediaTypeException e) {
            return null; // not a form, so not parsed as parameters; JsonBodies refuses it if a body is read
        }
    }

    private static String problem(HttpServletRequest request) {
        Map<String, String[]> parameters;
        try {
            parameters = request.getParameterMap();
        } catch (IllegalStateException e) { // Tomcat's InvalidParameterException: bad %-encoding, too many, …
            return "The query string is not valid: parameters must be percent-encoded UTF-8";
        }
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (hasControl(parameter.getKey())) {
                return "Parameter names must not contain control characters";
            }
            for (String value : parameter.getValue()) {
                if (hasControl(value)) {
                    return "Parameter " + printable(parameter.getKey()) + " must not contain control characters";
                }
            }
        }
        return null;
    }

    private static boolean hasControl(String text) {
        return text.codePoints().anyMatch(Character::isISOControl);
    }

    private static String printable(String name) {
        return name.length() > 40 ? name.substring(0, 40) + "…" : name;
    }
}
