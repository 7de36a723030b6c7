package dev.keymint.server.network;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a
 * bare address means that one address. Parsing never resolves names, and, as PostgreSQL's
 * {@code cidr} type does, refuses a range with bits set to the right of the mask. Immutable.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc4632#section-3.1">RFC 4632 §3.1</a>
 */
public final class CidrRange {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern DOTTED_QUAD = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private final byte[] network;
    private final int prefix;

    private CidrRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * @throws IllegalArgumentException with a message fit for the caller if {@code text} is not a range
     */
    public static CidrRange parse(String text) {
        Objects.requireNonNull(text, "text cannot be null");
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address range: " + shorten(text));
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String bits = text.substring(slash + 1);
            if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > max) {
                throw new IllegalArgumentException("prefix length must be 0.." + max + ": " + shorten(text));
            }
            prefix = Integer.parseInt(bits);
        }
        for (int bit = prefix; bit < max; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("address has bits set to the right of the /" + prefix + " mask: "
                        + shorten(text));
            }
        }
        return new CidrRange(bytes, prefix);
    }

    /** The address as bytes (4 or 16), or null if {@code text} is not an IP literal. No DNS. */
    public static byte[] literal(String text) {
        if (text == null || !LITERAL.matcher(text).matches()) {
            return null;
        }
        if (!text.contains(":")) {
            return dottedQuad(text);
        }
        try {
            // Bracketed, the JDK parses an IPv6 literal or fails; bare, it looks up what it cannot parse.
            return InetAddress.getByName("[" + text + "]").getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Four decimal octets (0-255); parsed here because the JDK resolves {@code 999.1.1.1} as a host name. */
    private static byte[] dottedQuad(String text) {
        Matcher octets = DOTTED_QUAD.matcher(text);
        if (!octets.matches()) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(octets.group(i + 1));
            if (octet > 255) {
                return null;
            }
            address[i] = (byte) octet;
        }
        return address;
    }

    /** Whether the address (4 or 16 bytes) lies in this range; IPv4 never matches an IPv6 range. */
    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5952 text for IPv6 (PostgreSQL's form), dotted quad for IPv4, then {@code /prefix}. */
    @Override
    public String toString() {
        return format(network) + "/" + prefix;
    }

    /** An address (4 or 16 bytes) as text, IPv6 in the compressed form of RFC 5952. */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrRange other && other.prefix == prefix && java.util.Arrays.equals(other.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefix;
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
