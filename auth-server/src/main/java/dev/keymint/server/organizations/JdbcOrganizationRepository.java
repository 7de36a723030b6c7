package dev.keymint.server.organizations;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and writes {@code organizations}. */
@Repository
public class JdbcOrganizationRepository {

    private final JdbcClient jdbc;

    public JdbcOrganizationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the organization and returns its id, or empty when the slug is taken. */
    public Optional<Long> insertIfAbsent(String slug, String name) {
        return jdbc.sql("""
                        insert into organizations (slug, name) values (:slug, :name)
                        on conflict (slug) do nothing
                        returning id
                        """)
                .param("slug", slug)
                .param("name", name)
                .query(Long.class)
                .optional();
    }
}
