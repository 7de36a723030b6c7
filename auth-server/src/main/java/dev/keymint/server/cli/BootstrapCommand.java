package dev.keymint.server.cli;

import dev.keymint.server.KeymintApplication;
import dev.keymint.server.organizations.OrganizationBootstrapper;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bootstrap --org <slug> --scope <action:filter> [--scope …] [--name <key name>] [--json]}:
 * creates an organization and its first API key, and prints the key once.
 *
 * <p>It uses the same database settings as the server. On the embedded database it connects to
 * the running server's PostgreSQL when there is one (see {@code EmbeddedPostgresEnvironment}).
 */
public final class BootstrapCommand {

    public static final String NAME = "bootstrap";

    private static final String USAGE = """
            usage: java -jar auth-server.jar bootstrap --org <slug> --scope <action:filter> [--scope …] \
            [--name <key name>] [--json]
              e.g. bootstrap --org acme --scope '*:*'""";

    private BootstrapCommand() {
    }

    /** Runs the command and returns the process exit code: 0 done, 1 refused or failed, 2 usage. */
    public static int run(String[] args) {
        PrintStream out = System.out;
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        // Logs go to stderr so that stdout carries only the result (scripts read it with --json).
        System.setOut(System.err);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(KeymintApplication.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties("logging.level.root=WARN", "spring.main.lazy-initialization=false")
                .run()) {
            BootstrappedOrganization created = context.getBean(OrganizationBootstrapper.class)
                    .bootstrap(arguments.org(), arguments.scopes(), arguments.keyName());
            out.println(arguments.json() ? asJson(created, context.getBean(JsonMapper.class)) : asText(created));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("bootstrap refused: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("bootstrap failed: " + e.getMessage());
            return 1;
        } finally {
            System.setOut(out);
        }
    }

    record Arguments(String org, List<String> scopes, String keyName, boolean json) {

        static Arguments parse(String[] args) {
            String org = null;
            String name = "bootstrap admin key";
            List<String> scopes = new ArrayList<>();
            boolean json = false;
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--org" -> org = value(args, ++i, "--org");
                    case "--scope" -> scopes.add(value(args, ++i, "--scope"));
                    case "--name" -> name = value(args, ++i, "--name");
                    case "--json" -> json = true;
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (org == null) {
                throw new IllegalArgumentException("--org is required");
            }
            if (scopes.isEmpty()) {
                throw new IllegalArgumentException("at least one --scope is required");
            }
            return new Arguments(org, List.copyOf(scopes), name, json);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
    }

    private static String asText(BootstrappedOrganization created) {
        return """
                Organization: %s
                Client id:    %s
                Scopes:       %s
                API key:      %s

                This is the only time the API key is shown. Store it now.""".formatted(
                created.org(), created.clientId(), String.join(" ", created.scopes()), created.apiKey());
    }

    private static String asJson(BootstrappedOrganization created, JsonMapper json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("org", created.org());
        fields.put("client_id", created.clientId());
        fields.put("api_key", created.apiKey());
        fields.put("scopes", created.scopes());
        return json.writeValueAsString(fields);
    }
}
