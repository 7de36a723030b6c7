package dev.keymint.spring.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A small service using the starter the way its README says: only configuration. */
@SpringBootApplication
public class ProjectsApplication {
}
