package dev.keymint.server.web;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's last word on a request it refused before any application code ran (a request target
 * it will not decode, such as {@code /admin/v1/keys/%00}): problem JSON naming only the status,
 * instead of Tomcat's HTML error report. Paths under {@code /oauth/} keep Tomcat's report; the
 * token endpoint's error format is the tokens feature's to choose.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    /** Public, as Tomcat may create one by name; no server version, no stack trace, as Spring Boot's. */
    public ProblemErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        String target = request.getRequestURI();
        if (target != null && target.startsWith("/oauth/")) {
            super.report(request, response, throwable);
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase(); // constant ASCII: no escaping needed
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                        + ",\"detail\":\"" + title + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was committed meanwhile: nobody left to tell.
        }
    }
}
