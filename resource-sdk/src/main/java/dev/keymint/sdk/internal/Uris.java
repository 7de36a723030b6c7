package dev.keymint.sdk.internal;

import java.net.URI;
import java.util.Locale;

/** URI checks shared by the builder and discovery. Not API. */
public final class Uris {

    private Uris() {
    }

    /**
     * Requires an absolute {@code https} URI, or {@code http} to a loopback host (local development),
     * or any {@code http} URI when plain HTTP was explicitly allowed (a private network).
     *
     * @param uri            the URI
     * @param what           its name, for the message
     * @param allowPlainHttp whether http is acceptable for any host
     * @throws IllegalArgumentException if not acceptable
     */
    public static void checkFetchable(URI uri, String what, boolean allowPlainHttp) {
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new IllegalArgumentException(what + " must be an absolute http(s) URL: " + uri);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return;
        }
        if (scheme.equals("http") && (allowPlainHttp || isLoopback(uri.getHost()))) {
            return;
        }
        throw new IllegalArgumentException(what + " must use https (http is allowed only for localhost unless allowPlainHttp() is set): " + uri);
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("::1");
    }
}
