package dev.keymint.server.network;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * The address a request came from: the socket's peer, or, only when that peer is a trusted
 * proxy ({@code KEYMINT_TRUSTED_PROXIES}, comma-separated CIDRs; default none), the right-most
 * forwarded address that is not itself a trusted proxy, from RFC 7239 {@code Forwarded: for=…}
 * when the request has that header, else from {@code X-Forwarded-For}. A client can therefore
 * never choose its own address by sending a header.
 *
 * <p>For a key's allowed CIDRs, {@link #allowListAddress} is stricter. A request with a
 * {@code Forwarded} header says "I relay someone else's request" (the resource SDK says so when it
 * exchanges an API key on its caller's behalf). From a peer that is not a trusted proxy the header
 * is not believed, and checking the relay's own address would admit every caller of the relay;
 * so the address is unknown and a key with allowed CIDRs is refused. The same holds for
 * {@code for=unknown} or an obfuscated identifier from a trusted proxy. {@code X-Forwarded-For}
 * from an untrusted peer keeps the peer's address: corporate egress proxies add it by default,
 * and their address is what allow lists name.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7239#section-7.4">RFC 7239 §7.4</a>
 */
@Component
public final class ClientAddressResolver {

    private final List<CidrRange> trustedProxies;

    public ClientAddressResolver(NetworkProperties properties) {
        List<CidrRange> ranges = new ArrayList<>();
        for (String text : properties.trustedProxies()) {
            if (!text.isBlank()) {
                ranges.add(CidrRange.parse(text.trim()));
            }
        }
        this.trustedProxies = List.copyOf(ranges);
    }

    /** The client's address as text (as the socket or the proxy reported it), for audit and display. */
    public String clientAddress(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (trustedProxies.isEmpty() || !trusted(peer)) {
            return peer;
        }
        Walk walk = walk(peer, forwardedHops(request));
        return walk.client() != null ? walk.client() : walk.lastTrusted();
    }

    /**
     * The original caller's address to check against a key's allowed CIDRs, or null when it cannot
     * be known (see the class comment); null never lies in a range.
     */
    public byte[] allowListAddress(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (!trusted(peer)) {
            return request.getHeader("Forwarded") != null ? null : CidrRange.literal(peer);
        }
        String client = walk(peer, forwardedHops(request)).client();
        return client == null ? null : CidrRange.literal(client);
    }

    /**
     * Where a walk over the forwarded hops ended.
     *
     * @param client      the first hop, right to left, that is not a trusted proxy (or the last hop when
     *                    all are); null when the walk met a hop that is not an IP literal
     *                    ({@code for=unknown}, an obfuscated identifier, garbage) before it
     * @param lastTrusted when {@code client} is null: the last address known to be a trusted proxy (the
     *                    peer at least), which audit shows as before; else {@code client}
     */
    private record Walk(String client, String lastTrusted) {
    }

    private Walk walk(String peer, List<String> hops) {
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (CidrRange.literal(hop) == null) {
                return new Walk(null, client);
            }
            client = hop;
            if (!trusted(hop)) {
                return new Walk(hop, hop);
            }
        }
        return new Walk(client, client);
    }

    /** The {@code for=} values of {@code Forwarded} if present, else the {@code X-Forwarded-For} entries. */
    private static List<String> forwardedHops(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        Enumeration<String> forwarded = request.getHeaders("Forwarded");
        if (forwarded != null && forwarded.hasMoreElements()) {
            while (forwarded.hasMoreElements()) {
                for (String element : forwarded.nextElement().split(",")) {
                    hops.add(forValue(element));
                }
            }
            return hops;
        }
        Enumeration<String> headers = request.getHeaders("X-Forwarded-For");
        while (headers != null && headers.hasMoreElements()) {
            for (String hop : headers.nextElement().split(",")) {
                hops.add(hop.trim());
            }
        }
        return hops;
    }

    /**
     * The node of one {@code Forwarded} element's {@code for} parameter without quotes, brackets and
     * port (RFC 7239 §6), or "unknown" when it has none.
     */
    private static String forValue(String element) {
        for (String pair : element.split(";")) {
            int equals = pair.indexOf('=');
            if (equals < 0 || !pair.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("for")) {
                continue;
            }
            String node = pair.substring(equals + 1).trim();
            if (node.length() >= 2 && node.startsWith("\"") && node.endsWith("\"")) {
                node = node.substring(1, node.length() - 1);
            }
            if (node.startsWith("[")) {
                int close = node.indexOf(']');
                return close < 0 ? "unknown" : node.substring(1, close);
            }
            int colon = node.indexOf(':');
            return colon < 0 ? node : node.substring(0, colon);
        }
        return "unknown";
    }

    private boolean trusted(String address) {
        byte[] bytes = CidrRange.literal(address);
        return bytes != null && trustedProxies.stream().anyMatch(range -> range.contains(bytes));
    }
}
