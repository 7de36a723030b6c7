package dev.keymint.server.tokens;

import dev.keymint.server.KeymintProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.security.web.util.UrlUtils;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The issuer URL: {@code KEYMINT_ISSUER} when set (what production should do), otherwise the
 * scheme, host, port and context path of the request. The metadata document, the token's
 * {@code iss} and the endpoint URLs all come from here, so they always agree.
 */
@Component
public class IssuerResolver {

    private final String configured;

    public IssuerResolver(KeymintProperties properties) {
        this.configured = StringUtils.hasText(properties.issuer()) ? validated(properties.issuer().trim()) : null;
    }

    /** The configured issuer, or null when it is derived from each request. */
    public String configured() {
        return configured;
    }

    public String issuer(HttpServletRequest request) {
        if (configured != null) {
            return configured;
        }
        // The same derivation as the authorization server's own context filter, so that the
        // metadata and the tokens' iss agree.
        return UriComponentsBuilder.fromUriString(UrlUtils.buildFullRequestUrl(request))
                .replacePath(request.getContextPath())
                .replaceQuery(null)
                .fragment(null)
                .build()
                .toUriString();
    }

    private static String validated(String issuer) {
        URI uri = URI.create(issuer);
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("KEYMINT_ISSUER must be an http(s) URL without query or fragment: " + issuer);
        }
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }
}
