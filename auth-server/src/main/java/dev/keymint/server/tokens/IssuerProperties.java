package dev.keymint.server.tokens;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * The issuer setting ({@code KEYMINT_ISSUER}); see {@link IssuerResolver}.
 *
 * @param issuer the URL tokens name as their issuer ("iss") and discovery announces: https, or http only for
 *               localhost or a loopback address, without query or fragment; checked at startup. Unset:
 *               {@code http://localhost:<port>}, with a warning. Set it to the URL clients reach Keymint at in any
 *               deployment beyond one machine.
 */
@ConfigurationProperties("keymint")
public record IssuerProperties(String issuer) {

    public IssuerProperties {
        // Checked while binding, so that a bad KEYMINT_ISSUER stops startup with Spring Boot's
        // "failed to bind" report naming the property, before any other work.
        issuer = StringUtils.hasText(issuer) ? IssuerResolver.validated(issuer.trim()) : null;
    }
}
