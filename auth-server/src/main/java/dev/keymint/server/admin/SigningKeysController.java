package dev.keymint.server.admin;

import dev.keymint.server.signing.SigningKeyRotation;
import dev.keymint.server.signing.SigningKeyRotation.PublishedKey;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

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
    Listing list(HttpServletRequest request) {
        callers.currentOperator(request, "see signing keys");
        return new Listing(views(rotation.published()));
    }

    /** Planned rotation by default; {@code ?emergency=true} removes the current key at once. */
    @PostMapping(AdminSecurityConfiguration.BASE + "/signing-keys/rotate")
    Rotated rotate(HttpServletRequest request, @RequestParam(defaultValue = "false") String emergency) {
        if (!emergency.equals("true") && !emergency.equals("false")) {
            throw AdminProblem.badRequest("emergency must be true or false");
        }
        AdminCaller caller = callers.currentOperator(request, "rotate signing keys");
        boolean compromised = Boolean.parseBoolean(emergency);
        String kid = compromised ? rotation.replaceCompromisedKey() : rotation.rotate();
        audit.append(caller, compromised ? "signing-key.emergency-rotate" : "signing-key.rotate", kid, null, null);
        return new Rotated(kid, views(rotation.published()));
    }

    private static List<SigningKey> views(List<PublishedKey> keys) {
        return keys.stream().map(key -> new SigningKey(key.kid(), key.algorithm(), key.state(), key.createdAt(),
                key.activatedAt(), key.retiredAt())).toList();
    }

    record Listing(List<SigningKey> items) {
    }

    /** After a rotation: the new current key's {@code kid} and every published key. */
    record Rotated(String kid, List<SigningKey> items) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SigningKey(String kid, String algorithm, String state, Instant createdAt, Instant activatedAt,
                      Instant retiredAt) {
    }
}
