package dev.keymint.sdk;

import dev.keymint.sdk.internal.AccessTokenClaims;
import dev.keymint.sdk.internal.UsageCounter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Keymint access token whose signature, issuer, lifetime, type and configured expectations
 * have been verified by {@link TokenVerifier#verify(String)}, for one request. Thread-safe, and
 * immutable apart from that request's usage counting ({@link #require}, {@link #recordCost}).
 *
 * <p>Claims are exposed as plain Java values: {@link String}, {@link Long} or {@link Double},
 * {@link Boolean}, unmodifiable {@link List} and {@link Map}, or null.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2">RFC 9068 §2.2 Data Structure</a>
 */
public final class VerifiedToken {

    private static final VarHandle SCOPE_REFUSED;

    static {
        try {
            SCOPE_REFUSED = MethodHandles.lookup().findVarHandle(VerifiedToken.class, "scopeRefused", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String subject;
    private final String clientId;
    private final String organization;
    private final String team;
    private final List<String> audience;
    private final Scopes scopes;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final String id;
    private final Map<String, Object> claims;
    private final SignatureAlgorithm algorithm;
    private final String keyId;
    /** The usage reporter's counter, or null when usage is not reported. */
    private final UsageCounter usage;
    /** Whether this request was already counted as refused for scope. */
    @SuppressWarnings("unused") // through SCOPE_REFUSED
    private volatile boolean scopeRefused;

    VerifiedToken(SignatureAlgorithm algorithm, String keyId, AccessTokenClaims.Checked checked, UsageCounter usage) {
        this.subject = checked.subject();
        this.clientId = checked.clientId();
        this.organization = checked.organization();
        this.team = checked.team();
        this.audience = checked.audience();
        this.scopes = checked.scopes();
        this.issuedAt = checked.issuedAt();
        this.expiresAt = checked.expiresAt();
        this.id = checked.id();
        this.claims = checked.all();
        this.algorithm = algorithm;
        this.keyId = keyId;
        this.usage = usage;
    }

    /** @return the algorithm the token was signed with */
    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    /** @return the {@code kid} header, if present */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    /** @return {@code sub}: for Keymint tokens, the API key's public id */
    public String subject() {
        return subject;
    }

    /** @return {@code client_id}: the API key's public id */
    public String clientId() {
        return clientId;
    }

    /** @return {@code org}: the organization slug, or null if the token has none */
    public String organization() {
        return organization;
    }

    /** @return {@code team}, if the key is bound to one team */
    public Optional<String> team() {
        return Optional.ofNullable(team);
    }

    /** @return {@code aud} as a list (a single string becomes a one-element list) */
    public List<String> audience() {
        return audience;
    }

    /** @return the granted scopes ({@code scope} claim; empty if absent) */
    public Scopes scopes() {
        return scopes;
    }

    /** @return {@code iat} */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** @return {@code exp} */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** @return {@code jti} */
    public String id() {
        return id;
    }

    /**
     * @param name a claim name
     * @return its value as a plain Java object, or null if absent
     */
    public Object claim(String name) {
        Objects.requireNonNull(name, "name cannot be null");
        return claims.get(name);
    }

    /** @return all claims, unmodifiable */
    public Map<String, Object> claims() {
        return claims;
    }

    /**
     * @param action           {@code read}, {@code write}, {@code admin} or {@code *}
     * @param resourceOrFilter a resource path such as {@code projects/42/docs/7}, or a filter
     * @return whether one of the token's scopes covers it
     * @throws InvalidScopeException if the action or path is not valid scope syntax (a
     *                               programming error: validate request data before building paths)
     */
    public boolean allows(String action, String resourceOrFilter) {
        return scopes.allows(action, resourceOrFilter);
    }

    /**
     * Requires a scope.
     *
     * @param action           {@code read}, {@code write}, {@code admin} or {@code *}
     * @param resourceOrFilter a resource path or a filter
     * @return this token, for chaining
     * @throws InsufficientScopeException if no scope of the token covers it
     * @throws InvalidScopeException      if the action or path is not valid scope syntax
     */
    public VerifiedToken require(String action, String resourceOrFilter) {
        return require(Scope.of(action, resourceOrFilter));
    }

    /**
     * Requires a scope. With a {@link UsageReporter}, the first refusal moves this request from
     * "allowed" to "refused for scope" in the key's usage.
     *
     * @param required a scope
     * @return this token, for chaining
     * @throws InsufficientScopeException if no scope of the token covers it
     */
    public VerifiedToken require(Scope required) {
        Objects.requireNonNull(required, "required cannot be null");
        if (!scopes.covers(required)) {
            if (usage != null && SCOPE_REFUSED.compareAndSet(this, false, true)) {
                usage.refusedForScope(clientId);
            }
            throw new InsufficientScopeException(required);
        }
        return this;
    }

    /**
     * Adds application-defined cost units (model tokens, micro-dollars, …) to this request's API key
     * in the usage reported to Keymint; call it any number of times per request. Without a
     * {@link UsageReporter} on the verifier it does nothing, so code can call it either way.
     *
     * @param units zero or more units
     * @return this token, for chaining
     * @throws IllegalArgumentException if {@code units} is negative
     */
    public VerifiedToken recordCost(long units) {
        if (units < 0) {
            throw new IllegalArgumentException("units cannot be negative");
        }
        if (usage != null && units > 0) {
            usage.cost(clientId, units);
        }
        return this;
    }

    /** @return a summary without secrets: subject, organization, scopes, expiry */
    @Override
    public String toString() {
        return "VerifiedToken[sub=" + subject + ", org=" + organization + ", scope=" + scopes + ", exp=" + expiresAt + "]";
    }
}
