/**
 * Keymint resource SDK: scope rules ({@link dev.keymint.sdk.Scope}, {@link dev.keymint.sdk.Scopes},
 * {@link dev.keymint.sdk.ResourceFilter}) shared by the auth server and resource servers, and offline
 * verification of Keymint access tokens ({@code TokenVerifier}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068">RFC 9068 JWT Profile for OAuth 2.0 Access Tokens</a>
 */
package dev.keymint.sdk;
