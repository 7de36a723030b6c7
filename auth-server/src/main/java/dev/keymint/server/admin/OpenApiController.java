package dev.keymint.server.admin;

import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/v1/openapi.yaml}: the admin API's OpenAPI document, public. The tests check every
 * admin response they see against it ({@code OpenApiConformance}), so it cannot drift from the code.
 */
@RestController
@ConditionalOnWebApplication
class OpenApiController {

    static final String DOCUMENT = "admin/openapi.yaml";

    @GetMapping(path = AdminSecurityConfiguration.BASE + "/openapi.yaml")
    ResponseEntity<Resource> openApi() {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/yaml"))
                .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)))
                .body(new ClassPathResource(DOCUMENT));
    }
}
