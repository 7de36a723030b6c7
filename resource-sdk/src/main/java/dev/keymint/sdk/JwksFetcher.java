package dev.keymint.sdk;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Fetches a document (the issuer's RFC 8414 metadata or its JWKS) over HTTP. The built-in
 * implementation uses {@link java.net.HttpURLConnection} with the builder's timeouts; supply
 * your own through {@link TokenVerifier.Builder#fetcher(JwksFetcher)} to use another HTTP
 * client, a proxy, or a fake in tests. The verifier enforces the size limit on what you return.
 *
 * <p>Implementations must be thread-safe; the verifier calls them from at most one thread at a
 * time per verifier, and never once per verification.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5 JWK Set Format</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.1">RFC 9111 §5.2.2.1 max-age</a>
 */
@FunctionalInterface
public interface JwksFetcher {

    /**
     * @param uri the document to fetch
     * @return its body and freshness
     * @throws IOException on any failure, including a non-200 status
     */
    Fetched fetch(URI uri) throws IOException;

    /**
     * A fetched document.
     *
     * @param body   the response body (UTF-8 JSON)
     * @param maxAge the {@code Cache-Control: max-age} of the response, if it had one
     */
    record Fetched(String body, Optional<Duration> maxAge) {

        /** Checks the components. */
        public Fetched {
            Objects.requireNonNull(body, "body cannot be null");
            Objects.requireNonNull(maxAge, "maxAge cannot be null");
        }

        /**
         * @param body the body, without caching information
         * @return a response without max-age
         */
        public static Fetched of(String body) {
            return new Fetched(body, Optional.empty());
        }

        /**
         * @param body   the body
         * @param maxAge the max-age
         * @return a response with max-age
         */
        public static Fetched of(String body, Duration maxAge) {
            return new Fetched(body, Optional.of(maxAge));
        }
    }
}
