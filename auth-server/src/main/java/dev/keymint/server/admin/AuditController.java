package dev.keymint.server.admin;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/** {@code /admin/v1/audit}: the caller's organization's audit trail, newest first. Requires {@code admin:audit/**}. */
@RestController
@ConditionalOnWebApplication
class AuditController {

    private final AdminCallers callers;
    private final JdbcAuditRepository audit;
    private final JsonMapper json;

    AuditController(AdminCallers callers, JdbcAuditRepository audit, JsonMapper json) {
        this.callers = callers;
        this.audit = audit;
        this.json = json;
    }

    @GetMapping(AdminSecurityConfiguration.BASE + "/audit")
    Page<Event> auditTrail(HttpServletRequest request, @RequestParam(required = false) String cursor,
                           @RequestParam(required = false) String limit) {
        AdminCaller caller = callers.current(request);
        int size = Page.size(limit);
        Long before = null;
        if (cursor != null) {
            if (!cursor.matches("[0-9]{1,18}")) {
                throw AdminProblem.badRequest("cursor is not one this API returned");
            }
            before = Long.parseLong(cursor);
        }
        return Page.of(audit.page(caller.organizationId(), before, size + 1), size, this::view,
                event -> String.valueOf(event.id()));
    }

    private Event view(JdbcAuditRepository.AuditEvent event) {
        return new Event(event.id(), event.createdAt(), event.actorKeyId(), event.action(), event.target(),
                event.clientAddress(), event.beforeJson() == null ? null : json.readTree(event.beforeJson()),
                event.afterJson() == null ? null : json.readTree(event.afterJson()),
                event.warningsJson() == null ? null : json.readTree(event.warningsJson()));
    }

    /**
     * One audit event; {@code before} and {@code after} are the stored JSON snapshots of what changed;
     * {@code warnings}, what an edit warned of when it was saved anyway (null: nothing).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Event(long id, Instant at, String actorKeyId, String action, String target, String clientAddress,
                 JsonNode before, JsonNode after, JsonNode warnings) {
    }
}
