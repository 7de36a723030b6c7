package dev.keymint.server.admin;

import dev.keymint.sdk.InvalidScopeException;
import dev.keymint.sdk.Scopes;
import dev.keymint.server.network.ClientAddressResolver;
import dev.keymint.server.organizations.JdbcOrganizationRepository;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/** Resolves the {@link AdminCaller} of the current request from its verified token. */
@Component
class AdminCallers {

    private final JdbcOrganizationRepository organizations;
    private final ClientAddressResolver addresses;
    private final AdminProperties properties;

    AdminCallers(JdbcOrganizationRepository organizations, ClientAddressResolver addresses, AdminProperties properties) {
        this.organizations = organizations;
        this.addresses = addresses;
        this.properties = properties;
    }

    /**
     * The caller, who must hold a key of the operator organization ({@code KEYMINT_OPERATOR_ORG}):
     * operations that concern every organization (listing them, rotating signing keys) are the
     * operator's alone. Unset, nobody is the operator.
     */
    AdminCaller currentOperator(HttpServletRequest request, String operation) {
        AdminCaller caller = current(request);
        if (!isOperator(caller)) {
            throw AdminProblem.forbidden("Only keys of the operator organization (KEYMINT_OPERATOR_ORG) may " + operation);
        }
        return caller;
    }

    /** Whether the caller holds a key of the operator organization ({@code KEYMINT_OPERATOR_ORG}). */
    boolean isOperator(AdminCaller caller) {
        return properties.operatorOrg() != null && properties.operatorOrg().equals(caller.organization());
    }

    AdminCaller current(HttpServletRequest request) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof Jwt jwt)) {
            throw AdminProblem.forbidden("No verified access token");
        }
        String org = jwt.getClaimAsString("org");
        long organizationId = organizations.findIdBySlug(org)
                .orElseThrow(() -> AdminProblem.forbidden("The token's organization does not exist"));
        Scopes scopes;
        try {
            scopes = Scopes.parse(jwt.getClaimAsString("scope") == null ? "" : jwt.getClaimAsString("scope"));
        } catch (InvalidScopeException e) {
            throw AdminProblem.forbidden("The token's scopes are not valid");
        }
        return new AdminCaller(organizationId, org, jwt.getClaimAsString("client_id"), jwt.getClaimAsString("team"),
                scopes, addresses.clientAddress(request));
    }
}
