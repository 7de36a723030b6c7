package dev.keymint.server.admin;

import dev.keymint.server.admin.AdminProblem.FieldError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MutableCoercionConfig;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads an admin request body into its request record, strictly: JSON ({@code Content-Type:
 * application/json}) of at most {@link #MAX_BYTES}, an object, no member twice, no unknown member,
 * every value of its declared type without coercion ({@code "10"} is not a number, {@code 1.5} not an
 * integer, {@code 7} not a string), then the record's Bean Validation rules. Every field error found
 * is answered at once, in one 400 problem whose {@code errors} name each field as the body does
 * ({@code scopes[1]}, {@code quota.limit}), so that a client fixes its request in one round.
 * Thread-safe.
 */
@Component
final class JsonBodies {

    static final int MAX_BYTES = 64 * 1024;
    /** A body with thousands of bad entries is answered with the first few. */
    static final int MAX_ERRORS = 20;
    private static final int MAX_NAME = 60;

    private final JsonMapper strict;
    private final Validator validator;

    JsonBodies(JsonMapper json, Clock clock) {
        this.strict = json.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .withCoercionConfig(LogicalType.Integer, config -> refuse(config, CoercionInputShape.String,
                        CoercionInputShape.EmptyString, CoercionInputShape.Float, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Textual, config -> refuse(config, CoercionInputShape.Integer,
                        CoercionInputShape.Float, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Boolean, config -> refuse(config, CoercionInputShape.String,
                        CoercionInputShape.Integer))
                .addModule(new SimpleModule("rfc3339").addDeserializer(Instant.class, new Rfc3339()))
                .build();
        ValidatorFactory factory = Validation.byProvider(HibernateValidator.class).configure()
                .addValueExtractor(new Patch.Values())
                .clockProvider(() -> clock)
                // Templates are constants of ours; no expression language is ever evaluated.
                .messageInterpolator(new ParameterMessageInterpolator())
                .buildValidatorFactory();
        this.validator = factory.getValidator();
    }

    private static void refuse(MutableCoercionConfig config, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            config.setCoercion(shape, CoercionAction.Fail);
        }
    }

    <T> T read(HttpServletRequest request, Class<T> type) {
        return read(request, type, MAX_BYTES);
    }

    /** As {@link #read(HttpServletRequest, Class)}, for an endpoint whose bodies may be up to {@code maxBytes}. */
    <T> T read(HttpServletRequest request, Class<T> type, int maxBytes) {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw AdminProblem.badRequest("The body must be JSON (Content-Type: application/json)");
        }
        if (request.getContentLengthLong() > maxBytes) {
            throw AdminProblem.tooLarge("The body must be at most " + maxBytes + " bytes");
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw AdminProblem.badRequest("The body could not be read");
        }
        if (bytes.length > maxBytes) {
            throw AdminProblem.tooLarge("The body must be at most " + maxBytes + " bytes");
        }
        return read(bytes, type);
    }

    /** The body's bytes as a valid {@code type}. @throws AdminProblem 400 naming every field error */
    <T> T read(byte[] body, Class<T> type) {
        return read(object(body, 0, body.length), type);
    }

    /** The bytes as a JSON object, read as strictly as a body. @throws AdminProblem 400 saying why not */
    ObjectNode object(byte[] bytes, int offset, int length) {
        JsonNode root;
        try {
            root = strict.readTree(bytes, offset, length);
        } catch (JacksonException e) {
            throw AdminProblem.badRequest("The body is not well-formed JSON" + duplicate(e));
        }
        if (root == null || !root.isObject()) {
            throw AdminProblem.badRequest("The body must be a JSON object");
        }
        return (ObjectNode) root;
    }

    /** A JSON object as a valid {@code type}. @throws AdminProblem 400 naming every field error */
    <T> T read(ObjectNode root, Class<T> type) {
        Collector errors = new Collector();
        T value;
        try {
            value = strict.readerFor(type).withHandler(errors).readValue(root);
        } catch (JacksonException e) {
            errors.add(failedField(e), expected(e));
            throw AdminProblem.invalid(errors.found);
        }
        errors.addAll(validator.validate(value));
        if (!errors.found.isEmpty()) {
            throw AdminProblem.invalid(errors.found);
        }
        return value;
    }

    /**
     * Names the member a body repeats: RFC 8259 leaves the meaning of {@code {"name":"a","name":"b"}}
     * to the reader, and a reader that keeps the last one lets two parsers (a proxy's, ours) see
     * different requests.
     */
    private static String duplicate(JacksonException e) {
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate")
                && e.processor() instanceof JsonParser parser && parser.currentName() != null) {
            return ": duplicate member \"" + shorten(parser.currentName()) + "\"";
        }
        return "";
    }

    /** The field a failed binding stopped at, as the body names it. */
    private static String failedField(JacksonException e) {
        if (e instanceof DatabindException databind && !databind.getPath().isEmpty()) {
            StringBuilder field = new StringBuilder();
            for (JacksonException.Reference step : databind.getPath()) {
                if (step.getPropertyName() != null) {
                    field.append(field.isEmpty() ? "" : ".").append(shorten(step.getPropertyName()));
                } else if (step.getIndex() >= 0) {
                    field.append('[').append(step.getIndex()).append(']');
                }
            }
            return field.toString();
        }
        return e.processor() instanceof JsonParser parser ? field(parser) : "";
    }

    private static String expected(JacksonException e) {
        Class<?> target = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType()
                : e instanceof InputCoercionException coercion ? coercion.getTargetType() : null;
        return target == null ? "is not valid here" : expected(target);
    }

    private static String expected(Class<?> target) {
        if (target == String.class) {
            return "must be a string";
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            return "must be an integer in range";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "must be true or false";
        }
        if (target == Instant.class) {
            return "must be an RFC 3339 date-time string, e.g. 2030-01-31T00:00:00Z";
        }
        if (Collection.class.isAssignableFrom(target)) {
            return "must be an array";
        }
        return "must be an object";
    }

    /** The field the parser is at: {@code quota.limit}, {@code scopes[1]}. */
    private static String field(JsonParser parser) {
        TokenStreamContext context = parser.streamReadContext();
        JsonToken token = parser.currentToken();
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && context.getParent() != null) {
            context = context.getParent(); // the container just opened is the value, not its place
        }
        Deque<TokenStreamContext> chain = new ArrayDeque<>();
        for (TokenStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            chain.addFirst(at);
        }
        StringBuilder field = new StringBuilder();
        for (TokenStreamContext at : chain) {
            if (at.inObject() && at.currentName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(shorten(at.currentName()));
            } else if (at.inArray()) {
                field.append('[').append(Math.max(at.getCurrentIndex(), 0)).append(']');
            }
        }
        return field.toString();
    }

    /** The request records' naming ({@code @JsonNaming(SnakeCaseStrategy)}): {@code expiresAt} is {@code expires_at}. */
    private static String snakeCase(String name) {
        return name.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    private static String shorten(String name) {
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) + "…" : name;
    }

    /**
     * An instant is an RFC 3339 date-time string with its offset ({@code 2030-01-31T00:00:00Z}), as
     * the document says; Jackson's own reader would also take a number of epoch seconds or a time
     * without an offset, which a client should hear about instead.
     */
    private static final class Rfc3339 extends ValueDeserializer<Instant> {

        private static final int MAX_LENGTH = 40;

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            String text = parser.getString();
            try {
                if (text.length() <= MAX_LENGTH) {
                    return OffsetDateTime.parse(text).toInstant();
                }
            } catch (DateTimeParseException e) {
                // answered below
            }
            return (Instant) context.handleWeirdStringValue(Instant.class, text, "not an RFC 3339 date-time");
        }
    }

    /**
     * Keeps binding past an unknown member or a value of the wrong shape, noting the field, so that
     * one answer lists them with the validation errors; other binding failures stop at once.
     */
    private static final class Collector extends DeserializationProblemHandler {

        private final List<FieldError> found = new ArrayList<>();
        private final Set<String> bindingFailed = new HashSet<>();

        void add(String field, String message) {
            bindingFailed.add(field);
            if (found.size() < MAX_ERRORS) {
                found.add(new FieldError(field, message));
            }
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
                                             ValueDeserializer<?> deserializer, Object beanOrClass, String name) {
            String at = field(parser);
            add(at.isEmpty() ? shorten(name) : at.endsWith(shorten(name)) ? at : at + "." + shorten(name), "unknown field");
            parser.skipChildren();
            return true;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext context, JavaType target, JsonToken token,
                                            JsonParser parser, String failure) {
            add(field(parser), expected(target.getRawClass()));
            parser.skipChildren();
            return null;
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext context, Class<?> target, String value,
                                             String failure) {
            add(field(context.getParser()), expected(target));
            return null;
        }

        /** Bean Validation's errors, in field order, except for fields whose value could not even be bound. */
        void addAll(Set<? extends ConstraintViolation<?>> violations) {
            violations.stream()
                    .map(violation -> new FieldError(member(violation.getPropertyPath()), violation.getMessage()))
                    .filter(error -> !bindingFailed.contains(error.field()))
                    .sorted(Comparator.comparing(FieldError::field))
                    .forEach(error -> {
                        if (found.size() < MAX_ERRORS) {
                            found.add(error);
                        }
                    });
        }

        /** {@code scopes[1]} for the path Bean Validation writes as {@code scopes[1].<list element>}. */
        private static String member(Path path) {
            StringBuilder field = new StringBuilder();
            for (Path.Node node : path) {
                // Bean Validation puts an element's index on the node after the list: keys, [3].client_id
                if (node.isInIterable() && node.getIndex() != null) {
                    field.append('[').append(node.getIndex()).append(']');
                }
                if (node.getKind() == ElementKind.PROPERTY) {
                    field.append(field.isEmpty() ? "" : ".").append(snakeCase(node.getName()));
                }
            }
            return field.toString();
        }
    }
}
