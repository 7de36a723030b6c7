package dev.keymint.server.organizations;

import java.time.Instant;
import java.util.List;
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

    public Optional<Long> findIdBySlug(String slug) {
        return jdbc.sql("select id from organizations where slug = :slug")
                .param("slug", slug)
                .query(Long.class)
                .optional();
    }

    /** One page of organizations by slug, after {@code afterSlug} (null for the first page). */
    public List<OrganizationSummary> list(String afterSlug, int limit) {
        return jdbc.sql("""
                        select o.slug, o.name, o.created_at,
                               (select count(*) from api_keys k where k.organization_id = o.id
                                  and k.status = 'active') as active_keys
                          from organizations o
                         where cast(:after as text) is null or o.slug > :after
                         order by o.slug
                         limit :limit
                        """)
                .param("after", afterSlug)
                .param("limit", limit)
                .query((rs, n) -> new OrganizationSummary(rs.getString("slug"), rs.getString("name"),
                        rs.getTimestamp("created_at").toInstant(), rs.getLong("active_keys")))
                .list();
    }

    /** An organization as the operator listing shows it. */
    public record OrganizationSummary(String slug, String name, Instant createdAt, long activeKeys) {
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
