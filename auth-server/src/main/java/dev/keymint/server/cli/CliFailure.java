package dev.keymint.server.cli;

/** Ends a command with a message for stderr and an exit code from {@link ExitCodes}. */
final class CliFailure extends RuntimeException {

    private final int exitCode;
    private final int httpStatus;

    CliFailure(int exitCode, String message) {
        this(exitCode, 0, message);
    }

    CliFailure(int exitCode, int httpStatus, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.httpStatus = httpStatus;
    }

    int exitCode() {
        return exitCode;
    }

    /** The admin API's status when the server refused, else 0. */
    int httpStatus() {
        return httpStatus;
    }
}
