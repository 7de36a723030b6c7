package dev.keymint.server.admin;

import dev.keymint.server.signing.SigningKeyRotation;
import dev.keymint.server.signing.SigningKeyRotation.PublishedKey;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator's view of the signing keys ({@code admin:signing-keys/**} and a key of the operator
 * organization): list them with their states, start a rotation, or replace a compromised key.
 */
@RestController
@ConditionalOnWebApplication
class SigningKeysController {

    private final AdminCallers callers;
    private final SigningKeyRotation rotation;
    private final JdbcAuditRepository audit;

    SigningKeysController(AdminCallers callers, SigningKeyRotation rotation, JdbcAuditRepository audit) {
        this.callers = callers;
        this.rotation = rotation;
        this.audit = audit;
    }

    @GetMapping(AdminSecurityConfiguration.BASE + "/signing-keys")
    Map<String, Object> list(HttpServletRequest request) {
        callers.currentOperator(request, "see signing keys");
        return Map.of("items", rotation.published().stream().map(SigningKeysController::view).toList());
    }

    /** Planned rotation by default; {@code ?emergency=true} removes the current key at once. */
    @PostMapping(AdminSecurityConfiguration.BASE + "/signing-keys/rotate")
    Map<String, Object> rotate(HttpServletRequest request, @RequestParam(defaultValue = "false") String emergency) {
        if (!emergency.equals("true") && !emergency.equals("false")) {
            throw AdminProblem.badRequest("emergency must be true or false");
        }
        AdminCaller caller = callers.currentOperator(request, "rotate signing keys");
        boolean compromised = Boolean.parseBoolean(emergency);
        String kid = compromised ? rotation.replaceCompromisedKey() : rotation.rotate();
        audit.append(caller, compromised ? "signing-key.emergency-rotate" : "signing-key.rotate", kid, null, null);
        List<PublishedKey> keys = rotation.published();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("kid", kid);
        response.put("items", keys.stream().map(SigningKeysController::view).toList());
        return response;
    }

    private static Map<String, Object> view(PublishedKey key) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("kid", key.kid());
        item.put("algorithm", key.algorithm());
        item.put("state", key.state());
        item.put("created_at", key.createdAt());
        item.put("activated_at", key.activatedAt());
        item.put("retired_at", key.retiredAt());
        return item;
    }
}
