package dev.keymint.server.status;

import dev.keymint.server.tokens.IssuerResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.dao.DataAccessException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.CrossOrigin;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves each Status List Token at {@code /oauth/status/{list id}} as
 * {@code application/statuslist+jwt}, and the list of every list's uri at {@code /oauth/status}
 * (the draft's Status List Aggregation). Public, like the JWKS, and open to browsers (CORS).
 *
 * <ul>
 *   <li>{@code Accept} must allow {@code application/statuslist+jwt} (or be absent, or {@code *}/{@code *}); a
 *       client that accepts only something else (the CWT form, JSON) gets 406: what it asked for does not exist.</li>
 *   <li>{@code Cache-Control: public, max-age=<ttl>} and a weak {@code ETag}; {@code If-None-Match} gets 304.
 *       Tomcat compresses the body when the client accepts gzip ({@code server.compression});
 *       {@code Vary: Accept-Encoding} on 200 and 304 alike.</li>
 *   <li>An unknown list (no status index in it given out yet, or an id that is not a number): 404, empty body.</li>
 *   <li>Memory not current and PostgreSQL unreachable: 503 with {@code Retry-After: 1}, empty body; verifiers keep
 *       their last list.</li>
 * </ul>
 *
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/">Token Status List §8</a>
 */
@RestController
@ConditionalOnWebApplication
@CrossOrigin(origins = "*", methods = RequestMethod.GET, allowedHeaders = {"Accept", "If-None-Match"},
        exposedHeaders = {"ETag", "Cache-Control"})
public class StatusListEndpoint {

    public static final String MEDIA_TYPE = "application/statuslist+jwt";
    private static final MediaType LIST_TYPE = MediaType.parseMediaType(MEDIA_TYPE);
    private static final Logger log = LoggerFactory.getLogger(StatusListEndpoint.class);
    private static final int LONGEST_LIST_ID = 18;

    private final StatusListTokens tokens;
    private final StatusLists lists;
    private final IssuerResolver issuers;
    private final CacheControl cacheControl;

    StatusListEndpoint(StatusListTokens tokens, StatusLists lists, IssuerResolver issuers,
                       StatusListProperties properties) {
        this.tokens = tokens;
        this.lists = lists;
        this.issuers = issuers;
        this.cacheControl = CacheControl.maxAge(properties.ttl().toSeconds(), TimeUnit.SECONDS).cachePublic();
    }

    /**
     * {@code Accept} is checked here rather than with {@code produces}: the OAuth paths' catch-all
     * ({@code /oauth/**}) would otherwise take a request whose {@code Accept} excludes the list and
     * answer 404 for a list that exists.
     */
    @GetMapping(path = StatusListIndex.PATH + "/{listId}")
    public ResponseEntity<String> list(@PathVariable String listId,
                                       @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        if (!accepts(accept)) {
            return ResponseEntity.status(HttpStatus.NOT_ACCEPTABLE).build();
        }
        if (listId.isEmpty() || listId.length() > LONGEST_LIST_ID || !listId.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return ResponseEntity.notFound().build();
        }
        Optional<StatusListTokens.Served> served;
        try {
            served = tokens.serve(issuers.issuer(), Long.parseLong(listId));
        } catch (DataAccessException | TransactionException e) {
            log.warn("Cannot serve status list {}: {}", listId, e.getMessage());
            return unavailable();
        }
        if (served.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        // Spring answers a matching If-None-Match with 304 and these headers, without the body. Vary is
        // named here, not only by Tomcat's compression (which adds it to bodies it may compress): a 304 must
        // carry the Vary of the 200 it stands for, or a shared cache revalidating its gzip copy would drop it.
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
                .eTag(served.get().etag())
                .cacheControl(cacheControl)
                .varyBy(HttpHeaders.ACCEPT_ENCODING)
                .body(served.get().jwt());
    }

    /** Every list's uri, for verifiers that fetch lists ahead of the tokens that name them. */
    @GetMapping(path = StatusListIndex.PATH, produces = "application/json")
    public ResponseEntity<Map<String, List<String>>> aggregation() {
        long count;
        try {
            count = lists.listCount();
        } catch (DataAccessException | TransactionException e) {
            log.warn("Cannot list the status lists: {}", e.getMessage());
            return unavailable();
        }
        String issuer = issuers.issuer();
        List<String> uris = new ArrayList<>();
        for (long listId = 1; listId <= count; listId++) {
            uris.add(StatusListIndex.uri(issuer, listId));
        }
        return ResponseEntity.ok().cacheControl(cacheControl).body(Map.of("status_lists", uris));
    }

    private static boolean accepts(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        try {
            return MediaType.parseMediaTypes(accept).stream().anyMatch(type -> type.isCompatibleWith(LIST_TYPE));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static <T> ResponseEntity<T> unavailable() {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .cacheControl(CacheControl.noStore()).build();
    }
}
