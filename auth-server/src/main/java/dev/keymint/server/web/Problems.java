package dev.keymint.server.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place that makes RFC 9457 problem JSON, for every path that answers with it: the admin
 * controllers (as a {@link ProblemDetail} that Spring MVC writes), and the filters, security entry
 * points, error page and Tomcat valve that answer before or after Spring MVC (written here, in the
 * same shape: {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance} when
 * known, then any extension members). A detail never names an exception or echoes a secret.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457#section-3">RFC 9457 §3</a>
 */
public final class Problems {

    /** Keymint's problem types are {@code https://keymint.dev/problems/<name>}. */
    public static final String TYPE_BASE = "https://keymint.dev/problems/";

    private Problems() {
    }

    /** A problem of one of Keymint's types, e.g. {@code "invalid-request"}. */
    public static ProblemDetail of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + type));
        problem.setTitle(title);
        return problem;
    }

    /** A problem that only names its status ({@code about:blank}, RFC 9457 §4.2.1): routing and container errors. */
    public static ProblemDetail of(HttpStatus status, String detail) {
        return ProblemDetail.forStatusAndDetail(status, detail);
    }

    /** A status that may be one {@link HttpStatus} does not know: titled "Error". */
    public static ProblemDetail ofStatus(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setTitle(title);
        problem.setDetail(status == HttpStatus.NOT_FOUND.value() ? "No such resource" : title);
        return problem;
    }

    /** Writes the problem as the whole response: status, {@code application/problem+json}, body. */
    public static void write(JsonMapper json, HttpServletResponse response, ProblemDetail problem) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), members(problem));
    }

    /** The problem as JSON text, for a writer that has no {@link JsonMapper} bean at hand (Tomcat's valve). */
    public static String toJson(ProblemDetail problem) {
        return JsonMapper.shared().writeValueAsString(members(problem));
    }

    /** The members in the order Spring MVC writes a {@link ProblemDetail}, absent ones left out. */
    private static Map<String, Object> members(ProblemDetail problem) {
        Map<String, Object> members = new LinkedHashMap<>();
        // Spring MVC leaves out a type of about:blank; written out it means the same (RFC 9457 §4.2.1).
        members.put("type", problem.getType() == null ? "about:blank" : problem.getType().toString());
        if (problem.getTitle() != null) {
            members.put("title", problem.getTitle());
        }
        members.put("status", problem.getStatus());
        if (problem.getDetail() != null) {
            members.put("detail", problem.getDetail());
        }
        if (problem.getInstance() != null) {
            members.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            members.putAll(problem.getProperties());
        }
        return members;
    }
}
