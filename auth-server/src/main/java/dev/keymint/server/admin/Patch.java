package dev.keymint.server.admin;

import jakarta.validation.valueextraction.ExtractedValue;
import jakarta.validation.valueextraction.ValueExtractor;
import java.util.function.Consumer;
import java.util.function.Function;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * One member of a PATCH body, in the three states RFC 7396 gives it: absent (leave the field as it
 * is), {@code null} (clear it) or a value (set it). A plain nullable field cannot tell the first two
 * apart, and reading the body as a map to ask would put the field names in two places.
 *
 * @param <T> the member's type
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7396">RFC 7396</a>
 */
@JsonDeserialize(using = Patch.Reader.class)
final class Patch<T> {

    private static final Patch<?> ABSENT = new Patch<>(false, null);
    private static final Patch<?> CLEAR = new Patch<>(true, null);

    private final boolean present;
    private final T value;

    private Patch(boolean present, T value) {
        this.present = present;
        this.value = value;
    }

    @SuppressWarnings("unchecked")
    static <T> Patch<T> absent() {
        return (Patch<T>) ABSENT;
    }

    @SuppressWarnings("unchecked")
    static <T> Patch<T> clear() {
        return (Patch<T>) CLEAR;
    }

    static <T> Patch<T> of(T value) {
        return value == null ? clear() : new Patch<>(true, value);
    }

    /** Whether the body names the member at all (with a value or with {@code null}). */
    boolean present() {
        return present;
    }

    /** Whether the body sets the member to {@code null}. */
    boolean cleared() {
        return present && value == null;
    }

    /** The new value; null when the member is absent or cleared. */
    T value() {
        return value;
    }

    /** Gives {@code apply} the new value (null when cleared), if the member is present. */
    void ifPresent(Consumer<T> apply) {
        if (present) {
            apply.accept(value);
        }
    }

    /** The same change, of a value converted by {@code convert} (never called for null). */
    <R> Patch<R> map(Function<T, R> convert) {
        return !present ? absent() : value == null ? clear() : of(convert.apply(value));
    }

    @Override
    public String toString() {
        return !present ? "absent" : value == null ? "null" : "set";
    }

    /**
     * Jackson's side: a member's value is read by the deserializer of the member's own type (so
     * every strict rule of the binding applies to it), {@code null} is {@link #clear()} and a
     * missing member is {@link #absent()}.
     */
    static final class Reader extends ValueDeserializer<Patch<?>> {

        private final ValueDeserializer<?> content;

        Reader() {
            this(null);
        }

        private Reader(ValueDeserializer<?> content) {
            this.content = content;
        }

        @Override
        public ValueDeserializer<?> createContextual(DeserializationContext context, BeanProperty property) {
            JavaType type = property != null ? property.getType() : context.getContextualType();
            return new Reader(context.findContextualValueDeserializer(type.containedType(0), property));
        }

        @Override
        public Patch<?> deserialize(JsonParser parser, DeserializationContext context) {
            return of(content.deserialize(parser, context));
        }

        @Override
        public Patch<?> getNullValue(DeserializationContext context) {
            return clear();
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return absent();
        }
    }

    /** Bean Validation's side: a constraint on {@code Patch<@X T>} checks the value, when there is one. */
    static final class Values implements ValueExtractor<Patch<@ExtractedValue ?>> {

        @Override
        public void extractValues(Patch<?> patch, ValueReceiver receiver) {
            if (patch.present) {
                receiver.value(null, patch.value);
            }
        }
    }
}
