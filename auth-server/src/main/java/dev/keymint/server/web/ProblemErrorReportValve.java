package dev.keymint.server.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.MediaType;

/**
 * Tomcat's last word on a request it refused before any application code ran (a header larger
 * than {@code server.max-http-request-header-size}, a request target it will not decode, such as
 * {@code /admin/v1/keys/%00} or {@code /oauth/%00}): JSON naming only the status, in the
 * convention of the path — RFC 6749 §5.2 error JSON under {@code /oauth}, RFC 9457 problem JSON
 * elsewhere — instead of Tomcat's HTML report. One valve for both, because a Tomcat host holds
 * exactly one error report valve.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    private static final String OAUTH_PATHS = "/oauth";

    /** Public, as Tomcat may create one by name; no server version, no stack trace, as Spring Boot's. */
    public ProblemErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String target = request.getRequestURI();
        boolean oauth = target != null && (target.equals(OAUTH_PATHS) || target.startsWith(OAUTH_PATHS + "/"));
        try {
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            if (oauth) {
                response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                response.setHeader("Cache-Control", "no-store");
                response.setHeader("Pragma", "no-cache");
            } else {
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            }
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(oauth ? oauthError(status) : Problems.toJson(Problems.ofStatus(status)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was committed meanwhile: nobody left to tell.
        }
    }

    private static String oauthError(int status) {
        String error = status >= 500 ? "server_error" : "invalid_request";
        String description = status >= 500 ? "The server could not answer this request"
                : "The request was refused before it reached the token endpoint (HTTP " + status
                        + ": a malformed URL or headers larger than the server accepts)";
        return "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}";
    }
}
