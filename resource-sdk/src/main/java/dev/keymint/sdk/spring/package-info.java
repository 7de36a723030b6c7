/**
 * Spring Security adapter: {@link dev.keymint.sdk.spring.KeymintJwtDecoder} and
 * {@link dev.keymint.sdk.spring.KeymintAuthorization}. Needs {@code spring-security-oauth2-resource-server}
 * and {@code spring-security-web} (optional dependencies of the SDK) on the classpath.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068">RFC 9068</a>
 */
package dev.keymint.sdk.spring;
