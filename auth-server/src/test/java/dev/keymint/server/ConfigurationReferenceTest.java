package dev.keymint.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/configuration.md's table of Keymint settings is generated from the configuration metadata that
 * {@code spring-boot-configuration-processor} writes at compile time from the {@code *Properties} records
 * (names, defaults, and the records' {@code @param} Javadoc as descriptions). This test fails when the file
 * is stale; {@value #REGENERATE} rewrites it.
 */
class ConfigurationReferenceTest {

    static final String REGENERATE = "./mvnw -B -q test -Dtest=ConfigurationReferenceTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dconfiguration-reference.write=true";

    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
    private static final Path REFERENCE = Path.of("../docs/configuration.md");
    private static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):([^}]*)}");
    private static final String BEGIN = "<!-- generated from the configuration metadata: begin -->\n";
    private static final String END = "<!-- generated from the configuration metadata: end -->\n";

    @Test
    void docsConfigurationMdListsEverySettingAsTheRecordsDeclareIt() throws IOException {
        String document = Files.readString(REFERENCE);
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        assertThat(begin).as("markers in " + REFERENCE).isNotNegative().isLessThan(end);
        String regenerated = document.substring(0, begin + BEGIN.length()) + table(settings())
                + document.substring(end);
        if (Boolean.getBoolean("configuration-reference.write")) {
            Files.writeString(REFERENCE, regenerated);
        } else if (!regenerated.equals(document)) {
            fail("docs/configuration.md does not match the configuration records; regenerate it with\n  " + REGENERATE);
        }
    }

    /** The variable names the table shows are ones Spring Boot really binds to the property. */
    @Test
    void everyEnvironmentVariableInTheTableSetsItsProperty() throws IOException {
        for (Setting setting : settings()) {
            StandardEnvironment environment = new StandardEnvironment();
            environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of(setting.environmentVariable(), "set")));
            assertThat(Binder.get(environment).bind(setting.name(), String.class).orElse(null))
                    .as(setting.environmentVariable() + " sets " + setting.name())
                    .isEqualTo("set");
        }
    }

    /**
     * The Spring Boot settings that application.properties takes from Keymint's own variables
     * ({@code ${KEYMINT_DB_POOL_SIZE:16}}) are in the hand-written table above the generated one, with that default.
     */
    @Test
    void everyVariableApplicationPropertiesReadsIsDocumentedWithItsDefault() throws IOException {
        String document = Files.readString(REFERENCE);
        Matcher placeholders = PLACEHOLDER.matcher(Files.readString(APPLICATION_PROPERTIES));
        int found = 0;
        while (placeholders.find()) {
            found++;
            assertThat(document).as("docs/configuration.md documents " + placeholders.group())
                    .containsPattern("(?m)^\\| `" + placeholders.group(1) + "`.*\\| `" + Pattern.quote(placeholders.group(2))
                            + "` \\|");
        }
        assertThat(found).as("placeholders in " + APPLICATION_PROPERTIES).isPositive();
    }

    private static List<Setting> settings() throws IOException {
        assertThat(METADATA).as("written by the compiler; run the build first").exists();
        JsonNode metadata = JsonMapper.builder().build().readTree(Files.readString(METADATA));
        return metadata.get("properties").valueStream()
                .filter(property -> property.get("name").asString().startsWith("keymint."))
                .map(property -> new Setting(property.get("name").asString(), defaultValue(property.get("defaultValue")),
                        property.path("description").asString("")))
                .sorted(Comparator.comparing(Setting::name))
                .toList();
    }

    private static String defaultValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return "unset";
        }
        if (value.isArray()) {
            return value.isEmpty() ? "none" : value.valueStream().map(JsonNode::asString).collect(Collectors.joining(","));
        }
        return value.asString().isEmpty() ? "none" : "`" + value.asString() + "`";
    }

    private static String table(List<Setting> settings) {
        StringBuilder table = new StringBuilder("""
                | environment variable | property | default | meaning |
                |---|---|---|---|
                """);
        for (Setting setting : settings) {
            table.append("| `").append(setting.environmentVariable()).append("` | `").append(setting.name())
                    .append("` | ").append(setting.defaultValue()).append(" | ").append(markdown(setting.description()))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static final Pattern INLINE_TAG = Pattern.compile("\\{@(code|link|linkplain) ([^}]*)}");

    /** Javadoc as the processor keeps it ({@code {@code x}}, entities) turned into Markdown for one table cell. */
    private static String markdown(String javadoc) {
        Matcher tags = INLINE_TAG.matcher(javadoc);
        String text = tags.replaceAll(tag -> Matcher.quoteReplacement(
                tag.group(1).equals("code") ? "`" + tag.group(2) + "`" : tag.group(2)));
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("|", "\\|")
                .replaceAll("\\s+", " ").trim();
    }

    /**
     * One setting. Spring Boot binds an environment variable named as the property in capitals with dots and
     * dashes as underscores ({@code keymint.keys.cache.max-entries} from {@code KEYMINT_KEYS_CACHE_MAX_ENTRIES}).
     */
    private record Setting(String name, String defaultValue, String description) {

        String environmentVariable() {
            return name.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
        }
    }
}
