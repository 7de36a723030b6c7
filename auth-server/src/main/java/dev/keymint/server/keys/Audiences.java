package dev.keymint.server.keys;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * What an audience of a key is, the one rule for the admin API and the token endpoint: an RFC 8707
 * resource indicator, an absolute URI without a fragment, of at most {@value #MAX_LENGTH}
 * characters; a key lists at most {@value #MAX_COUNT}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8707#section-2">RFC 8707 §2</a>
 */
public final class Audiences {

    public static final int MAX_COUNT = 20;
    public static final int MAX_LENGTH = 500;

    private Audiences() {
    }

    /**
     * @return null when {@code text} is a valid resource indicator, else why not (safe to show: it
     *         does not quote the text)
     */
    public static String problem(String text) {
        if (text.isEmpty() || text.length() > MAX_LENGTH) {
            return "must be an absolute URI of 1-" + MAX_LENGTH + " characters";
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return "must be an absolute URI (RFC 3986)";
        }
        if (!uri.isAbsolute() || uri.isOpaque() && uri.getSchemeSpecificPart().isEmpty()) {
            return "must be an absolute URI, with a scheme such as https://";
        }
        if (uri.getRawFragment() != null) {
            return "must not contain a fragment (#...)";
        }
        return null;
    }
}
