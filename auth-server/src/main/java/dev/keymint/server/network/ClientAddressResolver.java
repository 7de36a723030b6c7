package dev.keymint.server.network;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The address a request came from: the socket's peer, or, only when that peer is a trusted
 * proxy ({@code KEYMINT_TRUSTED_PROXIES}, comma-separated CIDRs; default none), the right-most
 * {@code X-Forwarded-For} entry that is not itself a trusted proxy. A client can therefore never
 * choose its own address by sending the header.
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

    /** The client's address as text (as the socket or the proxy reported it). */
    public String clientAddress(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (trustedProxies.isEmpty() || !trusted(peer)) {
            return peer;
        }
        String client = peer;
        List<String> hops = new ArrayList<>();
        var headers = request.getHeaders("X-Forwarded-For");
        while (headers != null && headers.hasMoreElements()) {
            for (String hop : headers.nextElement().split(",")) {
                hops.add(hop.trim());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (CidrRange.literal(hop) == null) {
                return client; // garbage in the chain: stop at the last address we could trust
            }
            client = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean trusted(String address) {
        byte[] bytes = CidrRange.literal(address);
        return bytes != null && trustedProxies.stream().anyMatch(range -> range.contains(bytes));
    }
}
