package dev.keymint.sdk;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Fetches a document (the issuer's RFC 8414 metadata, its JWKS or a Status List Token) over
 * HTTP. The built-in implementation uses {@link java.net.HttpURLConnection} with the builder's
 * timeouts; supply your own through {@link TokenVerifier.Builder#fetcher(JwksFetcher)} to use
 * another HTTP client, a proxy, or a fake in tests. The verifier enforces the size limits on
 * what you return.
 *
 * <p>Implementations must be thread-safe: key fetches, the first fetch of each status list and
 * the background refresh of status lists may overlap. The verifier never calls them once per
 * verification.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5 JWK Set Format</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.1">RFC 9111 §5.2.2.1 max-age</a>
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/">Token Status List §8 Status List Request</a>
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
     * Fetches a Status List Token: a GET with {@code Accept: application/statuslist+jwt} and, when
     * {@code etag} is given, {@code If-None-Match} (answer {@link Fetched#notModified} to a
     * {@code 304}). Called from the verifier's background refresh thread, and once on a request
     * thread for the first fetch of each list. The default ignores the ETag and calls
     * {@link #fetch(URI)}: override it when your HTTP client can send those headers.
     *
     * @param uri  the {@code uri} of a token's {@code status_list} claim (under the issuer)
     * @param etag the {@code ETag} of the copy held, or null to fetch unconditionally
     * @return the compact JWS, or a not-modified answer
     * @throws IOException on any failure, including a status other than 200 and 304
     */
    default Fetched fetchStatusList(URI uri, String etag) throws IOException {
        return fetch(uri);
    }

    /**
     * A fetched document.
     *
     * @param body        the response body (UTF-8 text); empty when not modified
     * @param maxAge      the {@code Cache-Control: max-age} of the response, if it had one
     * @param etag        the response's {@code ETag}, if it had one (used for status lists only)
     * @param notModified whether the server answered {@code 304 Not Modified} to a conditional request
     */
    record Fetched(String body, Optional<Duration> maxAge, Optional<String> etag, boolean notModified) {

        /** Checks the components. */
        public Fetched {
            Objects.requireNonNull(body, "body cannot be null");
            Objects.requireNonNull(maxAge, "maxAge cannot be null");
            Objects.requireNonNull(etag, "etag cannot be null");
        }

        /**
         * @param body   the body
         * @param maxAge the max-age, if any
         */
        public Fetched(String body, Optional<Duration> maxAge) {
            this(body, maxAge, Optional.empty(), false);
        }

        /**
         * @param maxAge the max-age of the 304 response, if any
         * @param etag   its ETag, if any
         * @return a {@code 304 Not Modified} answer
         */
        public static Fetched notModified(Optional<Duration> maxAge, Optional<String> etag) {
            return new Fetched("", maxAge, etag, true);
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
