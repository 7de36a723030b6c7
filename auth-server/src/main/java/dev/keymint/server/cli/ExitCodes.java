package dev.keymint.server.cli;

/**
 * What a command's exit status means, so that scripts can tell "try again later" from "fix your
 * input" without reading stderr. Documented in docs/cli.md; 1 and 2 are what {@code bootstrap}
 * and {@code rotate-signing-key} always returned (and picocli's defaults).
 */
final class ExitCodes {

    /** Done. */
    static final int OK = 0;
    /** Refused or failed for any reason not listed below: a conflict, a value the server rejects, a declined confirmation. */
    static final int FAILED = 1;
    /** The command line (or the environment it reads) is wrong; nothing was sent. */
    static final int USAGE = 2;
    /** The key does not exist in the admin key's organization. */
    static final int NOT_FOUND = 3;
    /** The admin key was refused, or its scopes do not allow the operation. */
    static final int FORBIDDEN = 4;
    /** The server could not be reached, or answered that it is unavailable for now (502, 503, 504, 429). */
    static final int UNAVAILABLE = 5;

    private ExitCodes() {
    }
}
