package dev.keymint.server.keys;

import dev.keymint.sdk.Scope;
import dev.keymint.sdk.Scopes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports keys whose secrets Keymint never sees ({@link ImportedKeyFormat}), in bulk: the rules of
 * {@link KeyAdministration#create} for each row (the actor's token covers the key's scopes; a team's
 * actor imports only into its team), a client id free on this server and not repeated in the import,
 * then multi-row inserts of {@value JdbcKeyImportRepository#CHUNK} rows per statement.
 *
 * <p>One transaction holds the whole import and its one audit event ({@code key.import}, with the
 * counts, not one event per key): the valid rows are imported and every other row is reported with
 * its reason, or, when {@code atomic}, any bad row imports none. A new key needs no change
 * announcement and no wait at the writer (docs/key-cache.md): no instance holds a row it never read.
 */
@Service
public class KeyImport {

    private final JdbcKeyImportRepository rows;
    private final KeyAuditTrail audit;
    private final TransactionTemplate transactions;

    KeyImport(JdbcKeyImportRepository rows, KeyAuditTrail audit, TransactionTemplate transactions) {
        this.rows = rows;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * @param keys        the rows that passed the caller's shape checks
     * @param invalidRows how many other rows the caller already refused: with {@code atomic}, any makes this import none
     */
    public Result importKeys(KeyActor actor, List<ImportedKey> keys, int invalidRows, boolean atomic) {
        return transactions.execute(status -> {
            List<RowError> errors = new ArrayList<>();
            List<ImportedKey> accepted = admissible(actor, keys, errors);
            Set<String> taken = new HashSet<>(rows.existing(accepted.stream().map(ImportedKey::clientId).toList()));
            List<ImportedKey> free = new ArrayList<>();
            for (ImportedKey key : accepted) {
                if (taken.contains(key.clientId())) {
                    errors.add(new RowError(key.row(), key.clientId(), "client_id", "is taken on this server"));
                } else {
                    free.add(key);
                }
            }
            if (atomic && invalidRows + errors.size() > 0) {
                status.setRollbackOnly();
                errors.sort(Comparator.comparingInt(RowError::row));
                return new Result(0, errors);
            }
            // A concurrent import or create may take an id between the check and the insert.
            Set<String> inserted = new HashSet<>(rows.insert(actor.organizationId(), actor.team(), free));
            for (ImportedKey key : free) {
                if (!inserted.contains(key.clientId())) {
                    errors.add(new RowError(key.row(), key.clientId(), "client_id", "is taken on this server"));
                }
            }
            if (atomic && !errors.isEmpty()) {
                status.setRollbackOnly();
                errors.sort(Comparator.comparingInt(RowError::row));
                return new Result(0, errors);
            }
            if (!inserted.isEmpty()) {
                audit.keysImported(actor, inserted.size(), invalidRows + (int) errors.stream().mapToInt(RowError::row).distinct().count());
            }
            errors.sort(Comparator.comparingInt(RowError::row));
            return new Result(inserted.size(), errors);
        });
    }

    /** The rows the actor may import, first of each client id; the others get their error. */
    private static List<ImportedKey> admissible(KeyActor actor, List<ImportedKey> keys, List<RowError> errors) {
        Scopes held = actor.scopes();
        Map<String, Integer> firstRow = new HashMap<>();
        List<ImportedKey> accepted = new ArrayList<>(keys.size());
        for (ImportedKey key : keys) {
            Integer earlier = firstRow.putIfAbsent(key.clientId(), key.row());
            if (earlier != null) {
                errors.add(new RowError(key.row(), key.clientId(), "client_id", "repeats row " + earlier));
                continue;
            }
            List<String> beyond = key.settings().scopes().stream().filter(scope -> !held.covers(scope))
                    .map(Scope::toString).toList();
            if (!beyond.isEmpty()) {
                errors.add(new RowError(key.row(), key.clientId(), "scopes",
                        "not held by the caller's token: " + String.join(" ", beyond)));
                continue;
            }
            String team = key.settings().team();
            if (actor.team() != null && team != null && !team.equals(actor.team())) {
                errors.add(new RowError(key.row(), key.clientId(), "team",
                        "a token of team '" + actor.team() + "' can import keys only for that team"));
                continue;
            }
            accepted.add(key);
        }
        return accepted;
    }

    /** What an import did: how many keys it imported, and why each refused row was refused. */
    public record Result(int imported, List<RowError> errors) {
    }

    /** A refused row: its number, its client id (null if unreadable), the field at fault and why. */
    public record RowError(int row, String clientId, String field, String message) {
    }
}
