package dev.keymint.server.admin;

import dev.keymint.server.organizations.JdbcOrganizationRepository;
import dev.keymint.server.organizations.JdbcOrganizationRepository.OrganizationSummary;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code /admin/v1/organizations}: the operator's listing of every organization, by slug. Requires
 * {@code admin:organizations/**} and a key of {@code KEYMINT_OPERATOR_ORG}.
 */
@RestController
@ConditionalOnWebApplication
class OrganizationsController {

    private final AdminCallers callers;
    private final JdbcOrganizationRepository organizations;

    OrganizationsController(AdminCallers callers, JdbcOrganizationRepository organizations) {
        this.callers = callers;
        this.organizations = organizations;
    }

    @GetMapping(AdminSecurityConfiguration.BASE + "/organizations")
    Page<Organization> organizations(HttpServletRequest request, @RequestParam(required = false) String cursor,
                                     @RequestParam(required = false) String limit) {
        callers.currentOperator(request, "list organizations");
        int size = Page.size(limit);
        if (cursor != null && !cursor.matches("[a-z0-9-]{1,63}")) {
            throw AdminProblem.badRequest("cursor is not one this API returned");
        }
        return Page.of(organizations.list(cursor, size + 1), size,
                org -> new Organization(org.slug(), org.name(), org.createdAt(), org.activeKeys()),
                OrganizationSummary::slug);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Organization(String slug, String name, Instant createdAt, long activeKeys) {
    }
}
