package dev.keymint.server.admin;

import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.ImportedKeyFormat;
import dev.keymint.server.keys.CreatedKey;
import dev.keymint.server.keys.EditedKey;
import dev.keymint.server.keys.KeyAdministration;
import dev.keymint.server.keys.KeyStatus;
import dev.keymint.server.keys.ListFilter;
import dev.keymint.server.keys.ListPosition;
import dev.keymint.server.keys.NewKey;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/v1/keys}: create, list, show, edit, disable, enable, revoke, reroll and delete the
 * caller's organization's API keys. Requires {@code admin:keys/**}.
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping(AdminSecurityConfiguration.BASE + "/keys")
class KeysController {


    private final KeyAdministration keys;
    private final AdminCallers callers;
    private final JsonBodies bodies;
    private final Clock clock;

    KeysController(KeyAdministration keys, AdminCallers callers, JsonBodies bodies, Clock clock) {
        this.keys = keys;
        this.callers = callers;
        this.bodies = bodies;
        this.clock = clock;
    }

    @PostMapping
    ResponseEntity<KeyView.Created> create(HttpServletRequest request) {
        AdminCaller caller = callers.current(request);
        KeyRequests.NewKey body = bodies.read(request, KeyRequests.NewKey.class);
        CreatedKey created = keys.create(caller, new NewKey(
                KeyRequests.label(body.name()), KeyRequests.scopes(body.scopes()), body.expiresAt(),
                KeyRequests.cidrs(body.allowedCidrs()), body.rateLimitPerMinute(),
                KeyRequests.QuotaBody.quota(body.quota()), body.apiLimits(), KeyRequests.label(body.team()),
                KeyRequests.label(body.owner()), KeyRequests.audiences(body.audiences())));
        return ResponseEntity.status(HttpStatus.CREATED)
                .header("Cache-Control", "no-store")
                .header("Location", AdminSecurityConfiguration.BASE + "/keys/" + created.key().id())
                .body(new KeyView.Created(KeyView.of(created.key(), clock.instant()), created.apiKey()));
    }

    @GetMapping
    Page<KeyView> list(HttpServletRequest request,
                             @RequestParam(required = false) String status,
                             @RequestParam(required = false) String name,
                             @RequestParam(required = false) String cursor,
                             @RequestParam(required = false) String limit) {
        AdminCaller caller = callers.current(request);
        ListFilter filter = filter(status);
        if (name != null && (name.isBlank() || name.length() > 200)) {
            throw AdminProblem.badRequest("name must be 1-200 characters");
        }
        int size = Page.size(limit);
        ListPosition after = cursor == null ? null : decodeCursor(cursor);
        Instant now = clock.instant();
        return Page.of(keys.list(caller, filter, name, after, size + 1), size, key -> KeyView.of(key, now),
                KeysController::encodeCursor);
    }

    @GetMapping("/{id}")
    KeyView get(HttpServletRequest request, @PathVariable String id) {
        return KeyView.of(keys.get(callers.current(request), id), clock.instant());
    }

    @PatchMapping("/{id}")
    KeyView.Edited patch(HttpServletRequest request, @PathVariable String id,
                         @RequestParam(name = "dry_run", required = false) String dryRun) {
        boolean onlyWarn = flag("dry_run", dryRun);
        AdminCaller caller = callers.current(request);
        keys.get(caller, id); // 404 before validating a body for a key the caller cannot see
        KeyRequests.KeyPatch body = bodies.read(request, KeyRequests.KeyPatch.class);
        if (body.team().present() && caller.team() != null) {
            throw AdminProblem.invalid(List.of(new AdminProblem.FieldError("team",
                    "a token of a team cannot move keys between teams")));
        }
        EditedKey edited = keys.update(caller, id, body.change(), onlyWarn);
        return new KeyView.Edited(KeyView.of(edited.key(), clock.instant()), onlyWarn, edited.warnings());
    }

    @PostMapping("/{id}/disable")
    KeyView disable(HttpServletRequest request, @PathVariable String id) {
        return KeyView.of(keys.setStatus(callers.current(request), id, KeyStatus.DISABLED), clock.instant());
    }

    @PostMapping("/{id}/enable")
    KeyView enable(HttpServletRequest request, @PathVariable String id) {
        return KeyView.of(keys.setStatus(callers.current(request), id, KeyStatus.ACTIVE), clock.instant());
    }

    @PostMapping("/{id}/revoke")
    KeyView revoke(HttpServletRequest request, @PathVariable String id) {
        return KeyView.of(keys.setStatus(callers.current(request), id, KeyStatus.REVOKED), clock.instant());
    }

    /** A new secret, shown this once; the replaced one works for the grace period asked. */
    @PostMapping("/{id}/reroll")
    ResponseEntity<KeyView.Created> reroll(HttpServletRequest request, @PathVariable String id) {
        AdminCaller caller = callers.current(request);
        keys.get(caller, id); // 404 before validating a body for a key the caller cannot see
        CreatedKey rerolled = keys.reroll(caller, id, bodies.read(request, KeyRequests.Reroll.class).grace());
        return ResponseEntity.ok().header("Cache-Control", "no-store")
                .body(new KeyView.Created(KeyView.of(rerolled.key(), clock.instant()), rerolled.apiKey()));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable String id,
                                @RequestParam(required = false) String confirm) {
        keys.delete(callers.current(request), id, flag("confirm", confirm));
        return ResponseEntity.noContent().build();
    }

    /** A true/false query parameter; absent is false. */
    private static boolean flag(String name, String value) {
        if (value != null && !value.equals("true") && !value.equals("false")) {
            throw AdminProblem.badRequest(name + " must be true or false");
        }
        return "true".equals(value);
    }

    private static ListFilter filter(String status) {
        if (status == null) {
            return ListFilter.ACTIVE;
        }
        try {
            return ListFilter.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AdminProblem.badRequest("status must be active, disabled, expired, revoked or all");
        }
    }

    private static String encodeCursor(ApiKey last) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, last.createdAt());
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + last.id()).getBytes(StandardCharsets.US_ASCII));
    }

    private static ListPosition decodeCursor(String cursor) {
        try {
            if (cursor.length() > 100) {
                throw new IllegalArgumentException();
            }
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            int colon = text.indexOf(':');
            long micros = Long.parseLong(text.substring(0, colon));
            String id = text.substring(colon + 1);
            if (!ApiKeyFormat.isPublicId(id) && !ImportedKeyFormat.isClientId(id)) {
                throw new IllegalArgumentException();
            }
            Instant createdAt = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
            if (!AdminInstants.accepted(createdAt)) {
                throw new IllegalArgumentException();
            }
            return new ListPosition(createdAt, id);
        } catch (RuntimeException e) {
            throw AdminProblem.badRequest("cursor is not one this API returned");
        }
    }
}
