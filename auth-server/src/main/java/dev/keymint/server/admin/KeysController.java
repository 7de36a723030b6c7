package dev.keymint.server.admin;

import dev.keymint.sdk.Scope;
import dev.keymint.server.keys.ApiKey;
import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.ApiRequestLimits;
import dev.keymint.server.keys.Budget;
import dev.keymint.server.keys.CreatedKey;
import dev.keymint.server.keys.KeyAdministration;
import dev.keymint.server.keys.KeyChange;
import dev.keymint.server.keys.ListFilter;
import dev.keymint.server.keys.ListPosition;
import dev.keymint.server.keys.KeyStatus;
import dev.keymint.server.keys.NewKey;
import dev.keymint.server.keys.Quota;
import dev.keymint.server.network.CidrRange;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /admin/v1/keys}: create, list, show, edit, disable, enable, revoke and delete the
 * caller's organization's API keys. Requires {@code admin:keys/**}.
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping(AdminSecurityConfiguration.BASE + "/keys")
class KeysController {

    private static final Set<String> CREATE_FIELDS = Set.of("name", "scopes", "expires_at", "allowed_cidrs",
            "rate_limit_per_minute", "quota", "api_requests_per_minute", "request_budget", "cost_budget", "team", "owner");
    private static final Set<String> PATCH_FIELDS = CREATE_FIELDS;
    private static final int MAX_PAGE = 200;

    private final KeyAdministration keys;
    private final AdminCallers callers;
    private final JsonMapper json;
    private final Clock clock;

    KeysController(KeyAdministration keys, AdminCallers callers, JsonMapper json, Clock clock) {
        this.keys = keys;
        this.callers = callers;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping
    ResponseEntity<Map<String, Object>> create(HttpServletRequest request) {
        AdminCaller caller = callers.current(request);
        JsonBody body = JsonBody.read(request, json, CREATE_FIELDS);
        Instant now = clock.instant();
        String name = body.text("name", true);
        List<Scope> scopes = body.scopes("scopes");
        if (!body.has("scopes") || body.isNull("scopes")) {
            body.error("scopes", "is required");
        }
        Instant expiresAt = body.futureInstant("expires_at", now);
        List<CidrRange> cidrs = body.cidrs("allowed_cidrs");
        Long rate = body.integer("rate_limit_per_minute", 1, 1_000_000);
        Quota quota = body.quota("quota");
        Long apiPerMinute = body.integer("api_requests_per_minute", 1, ApiRequestLimits.MAX_PER_MINUTE);
        ApiRequestLimits apiLimits = new ApiRequestLimits(apiPerMinute == null ? null : apiPerMinute.intValue(),
                body.budget("request_budget", Budget.MAX_REQUESTS), body.budget("cost_budget", Budget.MAX_COST));
        String team = body.text("team", false);
        String owner = body.text("owner", false);
        body.done();
        CreatedKey created = keys.create(caller, new NewKey(name, scopes, expiresAt,
                cidrs, rate == null ? null : rate.intValue(), quota, apiLimits, team, owner));
        Map<String, Object> response = new LinkedHashMap<>(KeyViews.view(created.key(), now));
        response.put("api_key", created.apiKey());
        return ResponseEntity.status(HttpStatus.CREATED)
                .header("Cache-Control", "no-store")
                .header("Location", AdminSecurityConfiguration.BASE + "/keys/" + created.key().id())
                .body(response);
    }

    @GetMapping
    Map<String, Object> list(HttpServletRequest request,
                             @RequestParam(required = false) String status,
                             @RequestParam(required = false) String name,
                             @RequestParam(required = false) String cursor,
                             @RequestParam(required = false) String limit) {
        AdminCaller caller = callers.current(request);
        ListFilter filter = filter(status);
        if (name != null && (name.isBlank() || name.length() > 200)) {
            throw AdminProblem.badRequest("name must be 1-200 characters");
        }
        int pageSize = pageSize(limit);
        ListPosition after = cursor == null ? null : decodeCursor(cursor);
        List<ApiKey> page = keys.list(caller, filter, name, after, pageSize + 1);
        Instant now = clock.instant();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("items", page.stream().limit(pageSize).map(key -> KeyViews.view(key, now)).toList());
        response.put("next_cursor", page.size() > pageSize ? encodeCursor(page.get(pageSize - 1)) : null);
        return response;
    }

    @GetMapping("/{id}")
    Map<String, Object> get(HttpServletRequest request, @PathVariable String id) {
        return KeyViews.view(keys.get(callers.current(request), id), clock.instant());
    }

    @PatchMapping("/{id}")
    Map<String, Object> patch(HttpServletRequest request, @PathVariable String id) {
        AdminCaller caller = callers.current(request);
        keys.get(caller, id); // 404 before validating a body for a key the caller cannot see
        JsonBody body = JsonBody.read(request, json, PATCH_FIELDS);
        Instant now = clock.instant();
        if (body.isNull("name") || body.isNull("scopes")) {
            body.error(body.isNull("name") ? "name" : "scopes", "cannot be null");
        }
        String name = body.has("name") ? body.text("name", true) : null;
        List<Scope> scopes = body.has("scopes") ? body.scopes("scopes") : null;
        Instant expiresAt = body.futureInstant("expires_at", now);
        List<CidrRange> cidrs = body.cidrs("allowed_cidrs");
        Long rate = body.integer("rate_limit_per_minute", 1, 1_000_000);
        Quota quota = body.quota("quota");
        Long apiPerMinute = body.integer("api_requests_per_minute", 1, ApiRequestLimits.MAX_PER_MINUTE);
        Budget requestBudget = body.budget("request_budget", Budget.MAX_REQUESTS);
        Budget costBudget = body.budget("cost_budget", Budget.MAX_COST);
        String team = body.text("team", false);
        String owner = body.text("owner", false);
        if (body.has("team") && caller.team() != null) {
            body.error("team", "a token of a team cannot move keys between teams");
        }
        body.done();
        KeyChange.Builder change = KeyChange.builder();
        if (name != null) {
            change.name(name);
        }
        if (scopes != null) {
            change.scopes(scopes);
        }
        if (body.has("team")) {
            change.team(team);
        }
        if (body.has("owner")) {
            change.owner(owner);
        }
        if (body.has("expires_at")) {
            change.expiresAt(expiresAt);
        }
        if (body.has("allowed_cidrs")) {
            change.allowedCidrs(cidrs);
        }
        if (body.has("rate_limit_per_minute")) {
            change.rateLimitPerMinute(rate == null ? null : rate.intValue());
        }
        if (body.has("quota")) {
            change.quota(quota);
        }
        if (body.has("api_requests_per_minute")) {
            change.apiRequestsPerMinute(apiPerMinute == null ? null : apiPerMinute.intValue());
        }
        if (body.has("request_budget")) {
            change.requestBudget(requestBudget);
        }
        if (body.has("cost_budget")) {
            change.costBudget(costBudget);
        }
        return KeyViews.view(keys.update(caller, id, change.build()), now);
    }

    @PostMapping("/{id}/disable")
    Map<String, Object> disable(HttpServletRequest request, @PathVariable String id) {
        return KeyViews.view(keys.setStatus(callers.current(request), id, KeyStatus.DISABLED), clock.instant());
    }

    @PostMapping("/{id}/enable")
    Map<String, Object> enable(HttpServletRequest request, @PathVariable String id) {
        return KeyViews.view(keys.setStatus(callers.current(request), id, KeyStatus.ACTIVE), clock.instant());
    }

    @PostMapping("/{id}/revoke")
    Map<String, Object> revoke(HttpServletRequest request, @PathVariable String id) {
        return KeyViews.view(keys.setStatus(callers.current(request), id, KeyStatus.REVOKED), clock.instant());
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable String id,
                                @RequestParam(required = false) String confirm) {
        if (confirm != null && !confirm.equals("true") && !confirm.equals("false")) {
            throw AdminProblem.badRequest("confirm must be true or false");
        }
        keys.delete(callers.current(request), id, "true".equals(confirm));
        return ResponseEntity.noContent().build();
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

    static int pageSize(String limit) {
        if (limit == null) {
            return 50;
        }
        if (!limit.matches("[0-9]{1,3}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > MAX_PAGE) {
            throw AdminProblem.badRequest("limit must be an integer from 1 to " + MAX_PAGE);
        }
        return Integer.parseInt(limit);
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
            if (!ApiKeyFormat.isPublicId(id)) {
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
