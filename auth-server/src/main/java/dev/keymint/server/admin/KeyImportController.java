package dev.keymint.server.admin;

import dev.keymint.server.admin.AdminProblem.FieldError;
import dev.keymint.server.keys.ImportedKey;
import dev.keymint.server.keys.ImportedKeyFormat;
import dev.keymint.server.keys.KeyImport;
import dev.keymint.server.keys.KeyImport.RowError;
import dev.keymint.server.keys.NewKey;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /admin/v1/keys/import}: imports keys a platform's callers already hold, as NDJSON
 * ({@code Content-Type: application/x-ndjson}), one key per line: {@code client_id},
 * {@code key_sha256} (SHA-256 of the key's UTF-8 bytes, 64 hex characters), optional {@code prefix},
 * and the members of {@code POST /admin/v1/keys} ({@code name} defaults to the client id). NDJSON
 * rather than one JSON array so that a malformed line is that row's error, not the whole body's, and
 * so that row numbers are line numbers. Requires {@code admin:keys/**}.
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping(AdminSecurityConfiguration.BASE + "/keys/import")
class KeyImportController {

    /** 100,000 keys of a few hundred bytes each, with room to spare. */
    static final int MAX_BYTES = 64 * 1024 * 1024;
    static final int MAX_ROWS = 100_000;
    /** A file with many bad rows is answered with the first ones; {@code refused} counts them all. */
    static final int MAX_ROW_ERRORS = 1000;
    private static final String CLIENT_ID = "client_id";
    private static final String KEY_SHA256 = "key_sha256";
    private static final String PREFIX = "prefix";

    private final KeyImport imports;
    private final AdminCallers callers;
    private final JsonBodies bodies;

    KeyImportController(KeyImport imports, AdminCallers callers, JsonBodies bodies) {
        this.imports = imports;
        this.callers = callers;
        this.bodies = bodies;
    }

    @PostMapping
    ResponseEntity<Report> importKeys(HttpServletRequest request, @RequestParam(required = false) String atomic) {
        AdminCaller caller = callers.current(request);
        if (atomic != null && !atomic.equals("true") && !atomic.equals("false")) {
            throw AdminProblem.badRequest("atomic must be true or false");
        }
        byte[] body = body(request);
        List<Line> lines = lines(body);
        if (lines.size() > MAX_ROWS) {
            throw AdminProblem.tooLarge("An import holds at most " + MAX_ROWS + " keys; split the file");
        }
        List<ImportedKey> keys = new ArrayList<>(lines.size());
        List<RowError> refused = new ArrayList<>();
        for (Line line : lines) {
            readRow(body, line.offset(), line.length(), line.row(), keys, refused);
        }
        if (keys.isEmpty() && refused.isEmpty()) {
            throw AdminProblem.badRequest("The body holds no keys: one JSON object per line");
        }
        KeyImport.Result result = imports.importKeys(caller, keys, rows(refused), "true".equals(atomic));
        refused.addAll(result.errors());
        refused.sort((a, b) -> Integer.compare(a.row(), b.row()));
        Report report = new Report(result.imported(), rows(refused), refused.stream().limit(MAX_ROW_ERRORS)
                .map(error -> new RowProblem(error.row(), error.clientId(), error.field(), error.message())).toList());
        if ("true".equals(atomic) && !refused.isEmpty()) {
            throw AdminProblem.badRequest(report.refused() + " row(s) refused; with atomic=true nothing was imported")
                    .with("imported", 0).with("refused", report.refused()).with("row_errors", report.rowErrors());
        }
        return ResponseEntity.status(HttpStatus.OK).header("Cache-Control", "no-store").body(report);
    }

    /** A non-empty line of the body, without its end ({@code \n} or {@code \r\n}); rows are numbered from 1. */
    private record Line(int row, int offset, int length) {
    }

    private static List<Line> lines(byte[] body) {
        List<Line> lines = new ArrayList<>();
        int row = 0;
        for (int start = 0; start < body.length; ) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            row++;
            int length = end > start && body[end - 1] == '\r' ? end - start - 1 : end - start;
            if (length > 0) {
                lines.add(new Line(row, start, length));
            }
            start = end + 1;
        }
        return lines;
    }

    private byte[] body(HttpServletRequest request) {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-ndjson")) {
            throw AdminProblem.badRequest("The body must be NDJSON, one key per line (Content-Type: application/x-ndjson)");
        }
        if (request.getContentLengthLong() > MAX_BYTES) {
            throw AdminProblem.tooLarge("The body must be at most " + MAX_BYTES + " bytes");
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw AdminProblem.tooLarge("The body must be at most " + MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw AdminProblem.badRequest("The body could not be read");
        }
    }

    /** One line: its identity members apart, then the rest as a key to create, every error noted. */
    private void readRow(byte[] body, int start, int length, int row, List<ImportedKey> keys, List<RowError> refused) {
        ObjectNode object;
        try {
            object = bodies.object(body, start, length);
        } catch (AdminProblem problem) {
            refused.add(new RowError(row, null, "", problem.getMessage().replace("The body", "The row")));
            return;
        }
        ObjectNode identity = object.objectNode();
        for (String member : List.of(CLIENT_ID, KEY_SHA256, PREFIX)) {
            if (object.has(member)) {
                identity.set(member, object.remove(member));
            }
        }
        String clientIdText = identity.path(CLIENT_ID).isString() ? identity.get(CLIENT_ID).asString() : null;
        if (!object.has("name") && clientIdText != null) {
            object.put("name", clientIdText);
        }
        List<FieldError> errors = new ArrayList<>();
        Identity id = readPart(identity, Identity.class, errors);
        KeyRequests.NewKey settings = readPart(object, KeyRequests.NewKey.class, errors);
        if (id != null && !ImportedKeyFormat.isClientId(id.clientId())) {
            errors.add(new FieldError(CLIENT_ID, ImportedKeyFormat.CLIENT_ID_RULE));
        }
        if (!errors.isEmpty()) {
            String clientId = ImportedKeyFormat.isClientId(clientIdText) ? clientIdText : null;
            errors.forEach(error -> refused.add(new RowError(row, clientId, error.field(), error.message())));
            return;
        }
        keys.add(new ImportedKey(row, id.clientId(), id.keySha256(), id.prefix(), new NewKey(
                KeyRequests.label(settings.name()), KeyRequests.scopes(settings.scopes()), settings.expiresAt(),
                KeyRequests.cidrs(settings.allowedCidrs()), settings.rateLimitPerMinute(),
                KeyRequests.QuotaBody.quota(settings.quota()), settings.apiLimits(), KeyRequests.label(settings.team()),
                KeyRequests.label(settings.owner()), KeyRequests.audiences(settings.audiences()))));
    }

    private static int rows(List<RowError> errors) {
        return (int) errors.stream().mapToInt(RowError::row).distinct().count();
    }

    private <T> T readPart(ObjectNode part, Class<T> type, List<FieldError> errors) {
        try {
            return bodies.read(part, type);
        } catch (AdminProblem problem) {
            errors.addAll(problem.fieldErrors());
            return null;
        }
    }

    /** The members that make a key imported; the rest of a row is {@link KeyRequests.NewKey}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Identity(
            @NotNull(message = "is required") @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
                    message = ImportedKeyFormat.CLIENT_ID_RULE) String clientId,
            @NotNull(message = "is required") @Pattern(regexp = "[0-9a-fA-F]{64}",
                    message = "must be the SHA-256 of the key's UTF-8 bytes as 64 hex characters") String keySha256,
            @Pattern(regexp = "[!-~]{1,32}", message = "must be 1-32 printable ASCII characters without spaces") String prefix) {
    }

    /** What an import did; {@code row_errors} lists the first {@value #MAX_ROW_ERRORS} refused rows' errors. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Report(int imported, int refused, List<RowProblem> rowErrors) {
    }

    /** A refused row's error: {@code field} as the row names it ({@code ""} for the whole row). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RowProblem(int row, String clientId, String field, String message) {
    }
}
