package dev.keymint.spring.boot.app;

import java.util.stream.Collectors;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ProjectsController {

    /** Who the starter says the caller is: the key id, then its scopes as authorities. */
    @GetMapping("/whoami")
    String whoami(Authentication authentication) {
        return authentication.getName() + " " + authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority).sorted().collect(Collectors.joining(" "));
    }

    @GetMapping("/projects/{id}")
    @PreAuthorize("@keymint.allows('read', 'projects/' + #id)")
    String project(@PathVariable String id) {
        return "project " + id;
    }

    @GetMapping("/reports")
    @PreAuthorize("hasAuthority('SCOPE_read:reports/**')")
    String reports() {
        return "reports";
    }
}
