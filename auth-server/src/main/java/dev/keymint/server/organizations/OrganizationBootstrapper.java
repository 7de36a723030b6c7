package dev.keymint.server.organizations;

import dev.keymint.sdk.Scope;
import dev.keymint.sdk.Scopes;
import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.keys.ApiKeyFormat.NewApiKey;
import dev.keymint.server.keys.JdbcApiKeyRepository;
import dev.keymint.server.keys.JdbcApiKeyRepository.NewKeyRow;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates a new organization together with its first key, in one transaction: either both exist
 * afterwards or neither does.
 */
@Service
public class OrganizationBootstrapper {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final JdbcOrganizationRepository organizations;
    private final JdbcApiKeyRepository keys;

    public OrganizationBootstrapper(JdbcOrganizationRepository organizations, JdbcApiKeyRepository keys) {
        this.organizations = organizations;
        this.keys = keys;
    }

    /**
     * @throws IllegalArgumentException for a malformed slug or scope, or a slug already taken
     */
    @Transactional
    public BootstrappedOrganization bootstrap(String slug, List<String> scopes, String keyName) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("Organization slug must be 1-63 lowercase letters, digits or '-', "
                    + "not starting or ending with '-': " + slug);
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("The first key needs at least one scope, e.g. --scope '*:*'");
        }
        List<String> canonicalScopes = Scopes.of(scopes.stream().map(Scope::parse).toList()).asSet().stream()
                .map(Scope::toString).toList();
        long organizationId = organizations.insertIfAbsent(slug, slug)
                .orElseThrow(() -> new IllegalArgumentException("Organization '" + slug + "' already exists"));
        NewApiKey key = ApiKeyFormat.generate();
        keys.insert(new NewKeyRow(key.id(), organizationId, keyName, key.digest(), canonicalScopes, null, null, null));
        return new BootstrappedOrganization(slug, key.id(), key.apiKey(), canonicalScopes);
    }

    /** The one moment the key is visible: print it, then forget it. */
    public record BootstrappedOrganization(String org, String clientId, String apiKey, List<String> scopes) {

        @Override
        public String toString() {
            return "BootstrappedOrganization[org=" + org + ", clientId=" + clientId + "]";
        }
    }
}
