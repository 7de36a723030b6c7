package dev.keymint.server.keys;

import dev.keymint.sdk.Scope;
import dev.keymint.sdk.Scopes;
import dev.keymint.server.keys.ApiKeyFormat.NewApiKey;
import dev.keymint.server.keys.JdbcApiKeyRepository.NewKeyRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one way to create, change and delete API keys, whoever asks (the admin API, the bootstrap
 * command): each operation in one transaction with its audit event ({@link KeyAuditTrail}).
 *
 * <p>An actor sees only its own organization's keys (and only its team's, when it is limited to a
 * team); a key of another organization is indistinguishable from a key that does not exist. No
 * operation can give a key a scope the actor's token does not cover, and no operation can change,
 * disable, enable, revoke or delete a key holding a scope the actor's token does not cover (a
 * narrower admin cannot take down a broader one); reading is allowed. A change to an existing key
 * returns only once every instance's token path sees it ({@link KeyChangeBarrier}).
 */
@Service
public class KeyAdministration {

    static final Duration RECENT_USE = Duration.ofHours(24);
    /** The longest a replaced secret may keep working: long enough to redeploy callers, short enough to end a leak. */
    public static final long MAX_REROLL_GRACE_SECONDS = 7 * 24 * 60 * 60;

    private final JdbcApiKeyRepository keys;
    private final KeyAuditTrail audit;
    private final LastUsedRecorder lastUsed;
    private final KeyChangeBarrier everyInstanceSees;
    private final SpentBudgets budgets;
    private final RecentKeyUse.Source recentUse;
    private final Clock clock;

    KeyAdministration(JdbcApiKeyRepository keys, KeyAuditTrail audit, LastUsedRecorder lastUsed,
                      KeyChangeBarrier everyInstanceSees, SpentBudgets budgets, RecentKeyUse.Source recentUse,
                      Clock clock) {
        this.keys = keys;
        this.audit = audit;
        this.lastUsed = lastUsed;
        this.everyInstanceSees = everyInstanceSees;
        this.budgets = budgets;
        this.recentUse = recentUse;
        this.clock = clock;
    }

    /** Creates the key in the actor's organization (and team, for an actor limited to one). */
    @Transactional
    public CreatedKey create(KeyActor actor, NewKey request) {
        requireCovered(actor, request.scopes());
        String team = request.team();
        if (actor.team() != null) {
            if (team != null && !team.equals(actor.team())) {
                throw KeyRefusedException.forbidden("A token of team '" + actor.team() + "' can create keys only for that team");
            }
            team = actor.team();
        }
        NewApiKey generated = ApiKeyFormat.generate();
        keys.insert(new NewKeyRow(generated.id(), actor.organizationId(), request.name(), generated.digest(),
                request.scopes().stream().map(Scope::toString).toList(), team, request.owner(), request.expiresAt(),
                request.allowedCidrs(), request.rateLimitPerMinute(), request.quota(), request.apiLimits(),
                request.audiences()));
        ApiKey key = find(actor, generated.id(), false);
        audit.keyChanged(actor, "key.create", key.id(), null, key);
        return new CreatedKey(key, generated.apiKey());
    }

    public ApiKey get(KeyActor actor, String id) {
        return find(actor, id, false);
    }

    /**
     * Applies the change and records the state before and after it, with what it takes from the
     * key's callers of the last 24 hours ({@link EditWarnings}); with {@code dryRun} only says so:
     * the would-be key and the warnings, nothing written, audited or announced to the caches.
     */
    @Transactional
    public EditedKey update(KeyActor actor, String id, KeyChange change, boolean dryRun) {
        lastUsed.flush(); // this instance's last-used times first: whether the key was used recently
        ApiKey before = findToChange(actor, id);
        if (before.status() == KeyStatus.REVOKED) {
            throw KeyRefusedException.conflict("The key is revoked; a revoked key cannot be changed");
        }
        if (change.changesScopes() && keys.agentOf(id) != null) {
            throw KeyRefusedException.conflict("The key's scopes are its agent's capabilities; change the agent instead");
        }
        ApiKey after = change.applyTo(before);
        if (!after.scopes().equals(before.scopes())) {
            requireCovered(actor, after.scopes().stream().map(Scope::parse).toList());
        }
        // A changed budget applies at once: a raised one lifts the refusal, a lowered one may start it.
        Instant now = clock.instant();
        Instant overBudgetUntil = after.apiLimits().equals(before.apiLimits()) ? before.overBudgetUntil()
                : budgets.overBudgetUntil(after, now);
        List<KeyWarning> warnings = warnings(before, after, overBudgetUntil, now);
        if (dryRun) {
            return new EditedKey(after, warnings);
        }
        keys.update(after, overBudgetUntil);
        everyInstanceSees.awaitAfterCommit();
        ApiKey stored = find(actor, id, false);
        audit.keyEdited(actor, id, before, stored, warnings);
        return new EditedKey(stored, warnings);
    }

    /** Only for a key used in the last 24 hours: otherwise no caller is known to lose anything. */
    private List<KeyWarning> warnings(ApiKey before, ApiKey after, Instant overBudgetUntil, Instant now) {
        Instant since = now.minus(RECENT_USE);
        if (before.lastUsedAt() == null || before.lastUsedAt().isBefore(since)) {
            return List.of();
        }
        return EditWarnings.of(before, after, recentUse.since(before, since), overBudgetUntil, now);
    }

    /** Enables ({@code ACTIVE}), disables or revokes the key; repeating a status is no change. */
    @Transactional
    public ApiKey setStatus(KeyActor actor, String id, KeyStatus target) {
        if (target == KeyStatus.EXPIRED) {
            throw new IllegalArgumentException("expired is not a stored status");
        }
        ApiKey before = findToChange(actor, id);
        if (before.status() == KeyStatus.REVOKED) {
            throw KeyRefusedException.conflict(target == KeyStatus.REVOKED ? "The key is already revoked"
                    : "The key is revoked; a revoked key can never be enabled or disabled again");
        }
        if (before.status() == target) {
            everyInstanceSees.awaitAfterCommit(); // a repeated call also waits until every instance sees it
            return before;
        }
        keys.setStatus(actor.organizationId(), id, target);
        everyInstanceSees.awaitAfterCommit();
        ApiKey stored = find(actor, id, false);
        String action = switch (target) {
            case ACTIVE -> "key.enable";
            case DISABLED -> "key.disable";
            case REVOKED -> "key.revoke";
            case EXPIRED -> throw new IllegalStateException("unreachable");
        };
        audit.keyChanged(actor, action, id, before, stored);
        return stored;
    }

    /**
     * Gives the key a new secret (returned this once) and keeps everything else; the replaced secret
     * is accepted for {@code grace} more (0 to refuse it at once). A revoked key cannot be rerolled;
     * a disabled or expired one can (after a leak: disable, reroll, enable).
     */
    @Transactional
    public CreatedKey reroll(KeyActor actor, String id, Duration grace) {
        if (grace.isNegative() || grace.getSeconds() > MAX_REROLL_GRACE_SECONDS) {
            throw new IllegalArgumentException("grace must be from 0 to " + MAX_REROLL_GRACE_SECONDS + " seconds");
        }
        ApiKey before = findToChange(actor, id);
        if (before.status() == KeyStatus.REVOKED) {
            throw KeyRefusedException.conflict("The key is revoked; a revoked key cannot be rerolled");
        }
        NewApiKey generated = ApiKeyFormat.generateFor(id);
        keys.reroll(actor.organizationId(), id, generated.digest(), clock.instant().plus(grace));
        everyInstanceSees.awaitAfterCommit();
        ApiKey stored = find(actor, id, false);
        audit.keyChanged(actor, "key.reroll", id, before, stored);
        return new CreatedKey(stored, generated.apiKey());
    }

    /**
     * Deletes the key; one used in the last 24 hours only when {@code confirmed}, since its tokens
     * and usage history are then likely still in use.
     */
    @Transactional
    public void delete(KeyActor actor, String id, boolean confirmed) {
        lastUsed.flush(); // this instance's last-used times first; other instances' within their flush interval
        ApiKey before = findToChange(actor, id);
        Instant now = clock.instant();
        if (!confirmed && before.lastUsedAt() != null && before.lastUsedAt().isAfter(now.minus(RECENT_USE))) {
            throw KeyRefusedException.recentlyUsed(
                    "The key was used in the last 24 hours; repeat with ?confirm=true to delete it", before.lastUsedAt());
        }
        keys.delete(actor.organizationId(), id);
        everyInstanceSees.awaitAfterCommit();
        audit.keyChanged(actor, "key.delete", id, before, null);
    }

    /** One page of the actor's keys, newest first, after {@code after} (null for the first page). */
    public List<ApiKey> list(KeyActor actor, ListFilter filter, String nameContains, ListPosition after, int limit) {
        return keys.list(actor.organizationId(), actor.team(), filter, nameContains, after, limit);
    }

    /**
     * The key, locked, if the actor may change it: its token must cover every scope the key
     * holds. Otherwise a key holding only {@code admin:keys/**} could revoke, lock out or cut down
     * the organization's {@code *:*} key, which can then no longer undo it.
     */
    private ApiKey findToChange(KeyActor actor, String id) {
        ApiKey key = find(actor, id, true);
        List<String> beyond = notHeld(actor, key.scopes().stream().map(Scope::parse).toList());
        if (!beyond.isEmpty()) {
            throw KeyRefusedException.scopesNotHeld("The key holds scopes the caller's token does not: "
                    + String.join(" ", beyond) + "; only a token covering all of a key's scopes may change it", beyond);
        }
        return key;
    }

    private ApiKey find(KeyActor actor, String id, boolean forUpdate) {
        if (!ApiKeyFormat.isPublicId(id) && !ImportedKeyFormat.isClientId(id)) {
            throw KeyRefusedException.notFound();
        }
        return keys.findInOrganization(actor.organizationId(), actor.team(), id, forUpdate)
                .orElseThrow(KeyRefusedException::notFound);
    }

    private static void requireCovered(KeyActor actor, List<Scope> scopes) {
        List<String> beyond = notHeld(actor, scopes);
        if (!beyond.isEmpty()) {
            throw KeyRefusedException.scopesNotHeld("A key cannot be given scopes the caller's token does not hold: "
                    + String.join(" ", beyond), beyond);
        }
    }

    /** The scopes, as text, that the actor's token does not cover: resource-sdk's {@link Scopes#covers}. */
    private static List<String> notHeld(KeyActor actor, List<Scope> scopes) {
        Scopes held = actor.scopes();
        return scopes.stream().filter(scope -> !held.covers(scope)).map(Scope::toString).toList();
    }
}
