/**
 * Keymint resource SDK. The module boundary: only {@code dev.keymint.sdk} and its adapter
 * packages are exported; {@code dev.keymint.sdk.internal} holds public classes only because the
 * API packages call them, and is not readable from outside the module.
 *
 * <p>Servlet and Spring Security are optional ({@code requires static}): an application brings
 * them when it uses {@link dev.keymint.sdk.servlet} or {@link dev.keymint.sdk.spring}. On the class
 * path (Spring Boot applications) this descriptor is ignored and the boundary is the
 * {@code internal} package's documented "not API".
 */
module dev.keymint.sdk {
    requires com.nimbusds.jose.jwt;

    requires static jakarta.servlet;
    requires static spring.security.core;
    requires static spring.security.web;
    requires static spring.web;
    requires static spring.security.oauth2.jose;
    requires static spring.security.oauth2.resource.server;

    exports dev.keymint.sdk;
    exports dev.keymint.sdk.servlet;
    exports dev.keymint.sdk.spring;
}
