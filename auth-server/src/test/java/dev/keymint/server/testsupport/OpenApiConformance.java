package dev.keymint.server.testsupport;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Checks an admin API response against the OpenAPI document the server publishes
 * ({@code admin/openapi.yaml}): the operation must be documented, with the response's status,
 * media type and a body that its JSON Schema (OAS 3.1 dialect) accepts. {@link TokenClient} runs
 * it on every {@code /admin/v1} response a test sees, so that the document cannot drift from the
 * code unnoticed. A path or method the document does not have may only be refused (4xx), as an
 * unknown path is.
 */
public final class OpenApiConformance {

    private static final String BASE = "/admin/v1";
    private static final String DOCUMENT_PATH = "admin/openapi.yaml";
    private static final JsonNode DOCUMENT = load();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31());
    private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();
    private static final Map<String, Pattern> TEMPLATES = new ConcurrentHashMap<>();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OpenApiConformance() {
    }

    /** The document as the server serves it. */
    public static JsonNode document() {
        return DOCUMENT;
    }

    /** @throws AssertionError naming what the document does not allow */
    public static void check(String method, URI uri, int status, String contentType, String body) {
        String path = uri.getRawPath();
        if (path == null || !path.startsWith(BASE + "/")) {
            return;
        }
        String what = method + " " + path + " -> " + status;
        String template = template(path.substring(BASE.length()));
        JsonNode operation = template == null ? null : DOCUMENT.get("paths").get(template).get(method.toLowerCase(Locale.ROOT));
        if (operation == null) {
            require(status >= 400 && status < 500, what + ": the OpenAPI document has no such operation");
            return;
        }
        String pointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + status;
        JsonNode response = operation.path("responses").get(String.valueOf(status));
        require(response != null, what + ": status not documented for " + method + " " + template);
        if (response.has("$ref")) {
            pointer = response.get("$ref").asString().substring(1);
            response = DOCUMENT.at(pointer);
        }
        JsonNode content = response.get("content");
        if (content == null) {
            require(body == null || body.isEmpty(), what + ": documented without a body, but has one: " + body);
            return;
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].strip();
        require(content.has(mediaType), what + ": media type " + mediaType + " not documented, only "
                + content.propertyNames());
        JsonNode schema = content.get(mediaType).get("schema");
        if (schema == null || !mediaType.contains("json")) {
            return;
        }
        String schemaPointer = pointer + "/content/" + escape(mediaType) + "/schema";
        List<Error> errors = COMPILED.computeIfAbsent(schemaPointer, OpenApiConformance::compile)
                .validate(JSON.readTree(body));
        require(errors.isEmpty(), what + ": body does not match " + schemaPointer + ": " + errors + "\n" + body);
        JsonNode parsed = JSON.readTree(body);
        undeclared(schema, parsed, "").forEach(member -> require(false,
                what + ": member " + member + " is not in the document (" + schemaPointer + ")\n" + body));
    }

    /**
     * The members of {@code value} that its schema does not declare. JSON Schema allows any member a
     * schema leaves unmentioned, so a field added to a response would pass validation: this is what
     * makes a new response field fail until the document has it. A free-form object ({@code type:
     * object} alone) declares everything.
     */
    private static List<String> undeclared(JsonNode schema, JsonNode value, String at) {
        List<JsonNode> parts = new java.util.ArrayList<>();
        flatten(schema, parts);
        List<String> found = new java.util.ArrayList<>();
        if (value.isObject()) {
            boolean declaresMembers = parts.stream().anyMatch(part -> part.has("properties")
                    || part.has("additionalProperties"));
            if (!declaresMembers) {
                return found;
            }
            for (Iterator<String> names = value.propertyNames().iterator(); names.hasNext(); ) {
                String name = names.next();
                JsonNode declared = parts.stream().map(part -> part.path("properties").get(name))
                        .filter(java.util.Objects::nonNull).findFirst()
                        .orElse(parts.stream().map(part -> part.get("additionalProperties"))
                                .filter(extra -> extra != null && extra.isObject()).findFirst().orElse(null));
                if (declared == null) {
                    found.add(at + "/" + name);
                } else {
                    found.addAll(undeclared(declared, value.get(name), at + "/" + name));
                }
            }
        } else if (value.isArray()) {
            parts.stream().map(part -> part.get("items")).filter(java.util.Objects::nonNull).findFirst()
                    .ifPresent(items -> {
                        for (int i = 0; i < value.size(); i++) {
                            found.addAll(undeclared(items, value.get(i), at + "/" + i));
                        }
                    });
        }
        return found;
    }

    /** The schema with its local {@code $ref}s followed and its {@code allOf} branches side by side. */
    private static void flatten(JsonNode schema, List<JsonNode> parts) {
        if (schema.has("$ref")) {
            flatten(DOCUMENT.at(schema.get("$ref").asString().substring(1)), parts);
            return;
        }
        parts.add(schema);
        for (JsonNode branch : schema.path("allOf")) {
            flatten(branch, parts);
        }
    }

    private static Schema compile(String pointer) {
        return SCHEMAS.getSchema(SchemaLocation.of("classpath:" + DOCUMENT_PATH + "#"
                + URLEncoder.encode(pointer, StandardCharsets.UTF_8).replace("%2F", "/").replace("%7E", "~")));
    }

    /** The document's path template that {@code path} is an instance of, e.g. {@code /keys/{id}}. */
    private static String template(String path) {
        for (Iterator<String> names = DOCUMENT.get("paths").propertyNames().iterator(); names.hasNext(); ) {
            String template = names.next();
            Pattern pattern = TEMPLATES.computeIfAbsent(template,
                    t -> Pattern.compile(Pattern.quote(t).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q")));
            if (pattern.matcher(path).matches()) {
                return template;
            }
        }
        return null;
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError("OpenAPI document and server disagree: " + message);
        }
    }

    private static JsonNode load() {
        try (InputStream in = OpenApiConformance.class.getClassLoader().getResourceAsStream(DOCUMENT_PATH)) {
            return YAMLMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
