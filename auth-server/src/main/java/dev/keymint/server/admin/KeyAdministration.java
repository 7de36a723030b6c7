package dev.keymint.server.admin;

import dev.keymint.sdk.Scope;
import dev.keymint.sdk.Scopes;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.ApiRequestLimits;
import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.ApiKeyFormat.NewApiKey;
import dev.keymint.server.keys.JdbcApiKeyRepository;
import dev.keymint.server.keys.JdbcApiKeyRepository.NewKeyRow;
import dev.keymint.server.keys.KeyChangeBarrier;
import dev.keymint.server.keys.KeyStatus;
import dev.keymint.server.keys.LastUsedRecorder;
import dev.keymint.server.keys.Quota;
import dev.keymint.server.network.CidrRange;
import dev.keymint.server.usage.ApiBudgets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The key operations of the admin API, each in one transaction with its audit event. A caller
 * sees only its own organization's keys (and only its team's, when its token names a team); a
 * key of another organization is indistinguishable from a key that does not exist. No operation
 * can give a key a scope the caller's token does not cover, and no operation can change, disable,
 * enable, revoke or delete a key holding a scope the caller's token does not cover (a narrower
 * admin cannot take down a broader one); reading is allowed. A change to an existing key returns
 * only once every instance's token path sees it ({@link KeyChangeBarrier}).
 */
@Service
class KeyAdministration {

    static final Pattern KEY_ID = Pattern.compile("[0-9A-Za-z]{16}");
    static final Duration RECENT_USE = Duration.ofHours(24);

    private final JdbcApiKeyRepository keys;
    private final JdbcAuditRepository audit;
    private final LastUsedRecorder lastUsed;
    private final KeyChangeBarrier everyInstanceSees;
    private final ApiBudgets budgets;
    private final JsonMapper json;
    private final Clock clock;

    KeyAdministration(JdbcApiKeyRepository keys, JdbcAuditRepository audit, LastUsedRecorder lastUsed,
                      KeyChangeBarrier everyInstanceSees, ApiBudgets budgets, JsonMapper json, Clock clock) {
        this.budgets = budgets;
        this.keys = keys;
        this.audit = audit;
        this.lastUsed = lastUsed;
        this.everyInstanceSees = everyInstanceSees;
        this.json = json;
        this.clock = clock;
    }

    /** The fields of a new key, already validated for shape. */
    record NewKey(String name, List<Scope> scopes, Instant expiresAt, List<CidrRange> allowedCidrs,
                  Integer rateLimitPerMinute, Quota quota, ApiRequestLimits apiLimits, String team, String owner) {
    }

    /** A created key and the one-time secret. */
    record CreatedKey(ApiKey key, String apiKey) {
    }

    @Transactional
    CreatedKey create(AdminCaller caller, NewKey request) {
        requireCovered(caller, request.scopes());
        String team = request.team();
        if (caller.team() != null) {
            if (team != null && !team.equals(caller.team())) {
                throw AdminProblem.forbidden("A token of team '" + caller.team() + "' can create keys only for that team");
            }
            team = caller.team();
        }
        NewApiKey generated = ApiKeyFormat.generate();
        keys.insert(new NewKeyRow(generated.id(), caller.organizationId(), request.name(), generated.digest(),
                request.scopes().stream().map(Scope::toString).toList(), team, request.owner(), request.expiresAt(),
                request.allowedCidrs(), request.rateLimitPerMinute(), request.quota(), request.apiLimits()));
        ApiKey key = find(caller, generated.id(), false);
        audit.append(caller, "key.create", key.id(), null, asJson(key));
        return new CreatedKey(key, generated.apiKey());
    }

    ApiKey get(AdminCaller caller, String id) {
        return find(caller, id, false);
    }

    /**
     * Applies the changes present in {@code changes} (a function of the current key) and records
     * the before and after state.
     */
    @Transactional
    ApiKey update(AdminCaller caller, String id, java.util.function.UnaryOperator<ApiKey> changes) {
        ApiKey before = findToChange(caller, id);
        if (before.status() == KeyStatus.REVOKED) {
            throw AdminProblem.conflict("The key is revoked; a revoked key cannot be changed");
        }
        ApiKey after = changes.apply(before);
        if (!after.scopes().equals(before.scopes())) {
            requireCovered(caller, after.scopes().stream().map(Scope::parse).toList());
        }
        if (!after.apiLimits().equals(before.apiLimits())) {
            after = withOverBudgetUntil(after, budgets.overBudgetUntil(after, clock.instant()));
        }
        keys.update(after);
        everyInstanceSees.awaitAfterCommit();
        ApiKey stored = find(caller, id, false);
        audit.append(caller, "key.update", id, asJson(before), asJson(stored));
        return stored;
    }

    @Transactional
    ApiKey setStatus(AdminCaller caller, String id, KeyStatus target) {
        ApiKey before = findToChange(caller, id);
        if (before.status() == KeyStatus.REVOKED) {
            throw AdminProblem.conflict(target == KeyStatus.REVOKED ? "The key is already revoked"
                    : "The key is revoked; a revoked key can never be enabled or disabled again");
        }
        if (before.status() == target) {
            everyInstanceSees.awaitAfterCommit(); // a repeated call also waits until every instance sees it
            return before;
        }
        keys.setStatus(caller.organizationId(), id, target);
        everyInstanceSees.awaitAfterCommit();
        ApiKey stored = find(caller, id, false);
        String action = switch (target) {
            case ACTIVE -> "key.enable";
            case DISABLED -> "key.disable";
            case REVOKED -> "key.revoke";
            case EXPIRED -> throw new IllegalArgumentException("expired is not a stored status");
        };
        audit.append(caller, action, id, asJson(before), asJson(stored));
        return stored;
    }

    @Transactional
    void delete(AdminCaller caller, String id, boolean confirmed) {
        lastUsed.flush(); // this instance's last-used times first; other instances' within their flush interval
        ApiKey before = findToChange(caller, id);
        Instant now = clock.instant();
        if (!confirmed && before.lastUsedAt() != null && before.lastUsedAt().isAfter(now.minus(RECENT_USE))) {
            throw AdminProblem.conflict("The key was used in the last 24 hours; repeat with ?confirm=true to delete it")
                    .with("last_used_at", before.lastUsedAt().toString());
        }
        keys.delete(caller.organizationId(), id);
        everyInstanceSees.awaitAfterCommit();
        audit.append(caller, "key.delete", id, asJson(before), null);
    }

    List<ApiKey> list(AdminCaller caller, JdbcApiKeyRepository.ListFilter filter, String nameContains,
                      JdbcApiKeyRepository.Position after, int limit) {
        return keys.list(caller.organizationId(), caller.team(), filter, nameContains, after, limit);
    }

    /**
     * The key, locked, if the caller may change it: its token must cover every scope the key
     * holds. Otherwise a key holding only {@code admin:keys/**} could revoke, lock out or cut down
     * the organization's {@code *:*} key, which can then no longer undo it.
     */
    private ApiKey findToChange(AdminCaller caller, String id) {
        ApiKey key = find(caller, id, true);
        List<String> beyond = notHeld(caller, key.scopes().stream().map(Scope::parse).toList());
        if (!beyond.isEmpty()) {
            throw AdminProblem.insufficientScope("The key holds scopes the caller's token does not: "
                    + String.join(" ", beyond) + "; only a token covering all of a key's scopes may change it",
                    beyond).with("scopes_not_held", beyond);
        }
        return key;
    }

    /** A changed budget applies at once: a raised one lifts the refusal, a lowered one may start it. */
    private static ApiKey withOverBudgetUntil(ApiKey key, Instant until) {
        return new ApiKey(key.id(), key.organizationId(), key.organizationSlug(), key.name(), key.secretDigest(),
                key.scopes(), key.status(), key.team(), key.owner(), key.expiresAt(), key.createdAt(), key.lastUsedAt(),
                key.allowedCidrs(), key.rateLimitPerMinute(), key.quota(), key.revokedAt(), key.statusIndex(), key.apiLimits(),
                until);
    }

    private ApiKey find(AdminCaller caller, String id, boolean forUpdate) {
        if (id == null || !KEY_ID.matcher(id).matches()) {
            throw AdminProblem.notFound("The key");
        }
        return keys.findInOrganization(caller.organizationId(), caller.team(), id, forUpdate)
                .orElseThrow(() -> AdminProblem.notFound("The key"));
    }

    private static void requireCovered(AdminCaller caller, List<Scope> scopes) {
        List<String> beyond = notHeld(caller, scopes);
        if (!beyond.isEmpty()) {
            throw AdminProblem.insufficientScope("A key cannot be given scopes the caller's token does not hold: "
                    + String.join(" ", beyond), beyond).with("scopes_not_held", beyond);
        }
    }

    /** The scopes, as text, that the caller's token does not cover: resource-sdk's {@link Scopes#covers}. */
    private static List<String> notHeld(AdminCaller caller, List<Scope> scopes) {
        Scopes held = caller.scopes();
        return scopes.stream().filter(scope -> !held.covers(scope)).map(Scope::toString).toList();
    }

    private String asJson(ApiKey key) {
        ObjectNode view = json.valueToTree(KeyView.of(key, clock.instant()));
        view.remove("last_used_at");
        view.remove("over_budget"); // follows the clock and reports, not the admin: not part of a change
        return json.writeValueAsString(view);
    }
}
