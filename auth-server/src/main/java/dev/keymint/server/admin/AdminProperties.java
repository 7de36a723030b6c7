package dev.keymint.server.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Admin API settings ({@code KEYMINT_OPERATOR_ORG}).
 *
 * @param operatorOrg the organization whose keys (with {@code admin:organizations/**}) may list every
 *                    organization; unset means nobody may
 */
@ConfigurationProperties("keymint")
public record AdminProperties(String operatorOrg) {
}
