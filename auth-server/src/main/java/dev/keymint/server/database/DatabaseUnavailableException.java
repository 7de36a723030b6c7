package dev.keymint.server.database;

import java.sql.SQLTransientConnectionException;

/**
 * A connection refused at once because PostgreSQL is known to be unreachable (see
 * {@link DatabaseAvailability}); callers answer it as they answer any connection failure (503).
 */
public final class DatabaseUnavailableException extends SQLTransientConnectionException {

    DatabaseUnavailableException(String message) {
        super(message);
    }
}
