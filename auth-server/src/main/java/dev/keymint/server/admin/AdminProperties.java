package dev.keymint.server.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Admin API settings ({@code KEYMINT_OPERATOR_ORG}).
 *
 * @param operatorOrg the organization whose keys may list every organization ({@code admin:organizations/**})
 *                    and see and rotate the signing keys ({@code admin:signing-keys/**});
 *                    unset means nobody may
 */
@ConfigurationProperties("keymint")
public record AdminProperties(String operatorOrg) {
}
