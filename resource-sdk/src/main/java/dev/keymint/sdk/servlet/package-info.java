/**
 * Servlet adapter: {@link dev.keymint.sdk.servlet.BearerTokenFilter}. Needs
 * {@code jakarta.servlet:jakarta.servlet-api} (an optional dependency of the SDK) on the classpath.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750">RFC 6750 Bearer Token Usage</a>
 */
package dev.keymint.sdk.servlet;
