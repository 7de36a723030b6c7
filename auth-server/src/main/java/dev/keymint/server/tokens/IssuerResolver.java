package dev.keymint.server.tokens;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * The issuer URL, one per server and never taken from a request: {@code KEYMINT_ISSUER} when set
 * (what production must do), otherwise {@code http://localhost:<the port the server listens on>},
 * announced with a warning at startup. The metadata document, the tokens' {@code iss}, the
 * endpoint URLs and the admin API's token check all come from here, so they always agree, and a
 * forged {@code Host} header cannot change what the server says it is.
 *
 * <p>A configured issuer must be an absolute {@code https} URL, or {@code http} to localhost or a
 * loopback address (plain HTTP elsewhere would let anyone on the path swap the keys resource
 * servers discover), without query, fragment or user info (RFC 8414 §2); the server refuses to
 * start otherwise.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-2">RFC 8414 §2</a>
 */
@Component
public class IssuerResolver implements ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(IssuerResolver.class);

    private final boolean configured;
    private final ApplicationContext context;
    private volatile String issuer;

    public IssuerResolver(IssuerProperties properties, ApplicationContext context) {
        this.configured = properties.issuer() != null;
        this.context = context;
        this.issuer = properties.issuer();
    }

    /** The issuer; the default one is known as soon as the web server listens, before any request. */
    public String issuer() {
        String known = issuer;
        if (known == null) {
            known = "http://localhost:" + boundPort();
            issuer = known;
        }
        return known;
    }

    /** The port actually bound, which with {@code server.port=0} (tests) is known only once the server listens. */
    private int boundPort() {
        if (context instanceof WebServerApplicationContext web && web.getWebServer() != null
                && web.getWebServer().getPort() > 0) {
            return web.getWebServer().getPort();
        }
        throw new IllegalStateException("The default issuer is not known before the web server listens");
    }

    /** Says at startup which issuer the server uses, and warns when it is the development default. */
    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext() != context) {
            return; // a separate management server, not the one that serves tokens
        }
        if (configured) {
            log.info("Issuer: {}", issuer());
            return;
        }
        log.warn("KEYMINT_ISSUER is not set: tokens name their issuer {}, which only clients and resource servers "
                + "on this machine can use. Set KEYMINT_ISSUER to the https URL clients reach Keymint at "
                + "in any other deployment.", issuer());
    }

    /** The issuer as configured, without a trailing slash; refuses an unsafe one with the reason. */
    public static String validated(String issuer) {
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            throw invalid(issuer, "it is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw invalid(issuer, "it must be an absolute https URL with a host");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw invalid(issuer, "http is allowed only for localhost or a loopback address; use https");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw invalid(issuer, "it must have no query, fragment or user info");
        }
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return false; // a name other than localhost: never resolved here
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static IllegalArgumentException invalid(String issuer, String reason) {
        return new IllegalArgumentException("KEYMINT_ISSUER (keymint.issuer) is not a valid issuer URL: " + reason
                + " (e.g. https://auth.example.com): " + issuer);
    }
}
