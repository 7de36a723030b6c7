package dev.keymint.server.cli;

import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/** What commands take from their surroundings, so tests can give their own: environment variables and the terminal. */
record CliContext(Map<String, String> environment, Terminal terminal, JsonMapper json) {

    static final String URL_VARIABLE = "KEYMINT_URL";
    static final String ADMIN_KEY_VARIABLE = "KEYMINT_ADMIN_KEY";
    static final String DEFAULT_URL = "http://localhost:8080";

    CliContext(Map<String, String> environment, Terminal terminal) {
        this(Map.copyOf(environment), terminal, JsonMapper.builder().build());
    }

    /**
     * Asks before something that cannot be undone. {@code --yes} answers for scripts; without it
     * and without a terminal the command fails at once rather than wait on stdin. The question is
     * built only when it is asked (it may need a call to the server).
     */
    void confirm(boolean yes, Supplier<String> question) {
        if (yes) {
            return;
        }
        if (!terminal.available()) {
            throw new CliFailure(ExitCodes.USAGE,
                    "Not asking for confirmation without a terminal: add --yes to confirm. Nothing was changed.");
        }
        String answer = terminal.ask(question.get() + " [y/N] ");
        if (answer == null || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
            throw new CliFailure(ExitCodes.FAILED, "Cancelled. Nothing was changed.");
        }
    }
}
