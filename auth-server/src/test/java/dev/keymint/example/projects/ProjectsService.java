package dev.keymint.example.projects;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A customer's service protected by keymint-spring-boot-starter, configured only with
 * {@code keymint.resource.*}. Outside {@code dev.keymint.server} so that Keymint's own component
 * scan never picks it up.
 */
@SpringBootApplication
public class ProjectsService {

    @RestController
    static class Projects {

        @GetMapping("/projects/{id}")
        @PreAuthorize("@keymint.allows('read', 'projects/' + #id)")
        String project(@PathVariable String id, Authentication caller) {
            return "project " + id + " for " + caller.getName();
        }
    }
}
