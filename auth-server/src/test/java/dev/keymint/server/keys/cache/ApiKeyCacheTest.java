package dev.keymint.server.keys.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keymint.server.keys.ApiKeyFormat;
import dev.keymint.server.organizations.OrganizationBootstrapper.BootstrappedOrganization;
import dev.keymint.server.testsupport.AdminClient;
import dev.keymint.server.testsupport.KeymintServer;
import dev.keymint.server.testsupport.TestPostgres;
import dev.keymint.server.testsupport.TokenClient;
import dev.keymint.server.testsupport.TokenClient.Response;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The token path answers from memory, and memory never outlives a change: two instances on one
 * PostgreSQL, changes made through the admin API on one and behind Keymint's back in SQL.
 */
class ApiKeyCacheTest {

    private static String jdbcUrl;
    private static String masterKey;
    private static KeymintServer first;
    private static KeymintServer second;
    private static BootstrappedOrganization adminKey;
    private static AdminClient admin;

    @BeforeAll
    static void start() {
        KeymintServer.Builder builder = KeymintServer.onFreshDatabase();
        jdbcUrl = builder.jdbcUrl();
        masterKey = builder.masterKey();
        first = builder.start();
        second = KeymintServer.onDatabase(jdbcUrl).masterKey(masterKey).start();
        adminKey = first.bootstrap("cache-co", "*:*");
        admin = AdminClient.of(first, adminKey);
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    @Test
    void tokenWhenKeyRowIsLockedInTheDatabaseThenStillIssuedFromMemory() throws Exception {
        TokenClient tokens = new TokenClient(second.tokenEndpoint());
        awaitAnsweringFromMemory(second);
        assertThat(token(tokens, adminKey).status()).isEqualTo(200);
        assertThat(second.bean(ApiKeyCache.class).remembers(adminKey.clientId())).isTrue();

        try (Connection connection = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            // Any read of api_keys now waits for this transaction: a token issued meanwhile was not read.
            sql.execute("lock table api_keys in access exclusive mode");
            try {
                Response whileLocked = CompletableFuture.supplyAsync(() -> token(tokens, adminKey)).get(10, TimeUnit.SECONDS);

                assertThat(whileLocked.status()).isEqualTo(200);
            } finally {
                connection.rollback();
            }
        }
    }

    @Test
    void tokenWhenCacheDisabledThenEveryRequestReadsTheDatabase() throws Exception {
        try (KeymintServer uncached = KeymintServer.onDatabase(jdbcUrl).masterKey(masterKey)
                .property("keymint.keys.cache.enabled", false).start()) {
            TokenClient tokens = new TokenClient(uncached.tokenEndpoint());
            assertThat(token(tokens, adminKey).status()).isEqualTo(200);
            assertThat(uncached.bean(ApiKeyCache.class).answeringFromMemory()).isFalse();

            Response afterRelease = heldUntilReleased("lock table api_keys in access exclusive mode",
                    () -> token(tokens, adminKey), "the token request waits for its read of api_keys");

            assertThat(afterRelease.status()).isEqualTo(200);
        }
    }

    @Test
    void tokenWhenKeyDisabledInSqlBehindKeymintsBackThenRefusedOnEveryInstanceWithinMoments() throws Exception {
        Response created = admin.post("/keys", "{\"name\": \"sql-edited\", \"scopes\": [\"read:x\"]}");
        String id = created.field("id");
        String apiKey = created.field("api_key");
        TokenClient onFirst = new TokenClient(first.tokenEndpoint());
        TokenClient onSecond = new TokenClient(second.tokenEndpoint());
        awaitAnsweringFromMemory(first);
        awaitAnsweringFromMemory(second);
        assertThat(onFirst.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(200);
        assertThat(onSecond.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(200);
        assertThat(first.bean(ApiKeyCache.class).remembers(id)).isTrue();
        assertThat(second.bean(ApiKeyCache.class).remembers(id)).isTrue();

        first.jdbc().sql("update api_keys set status = 'disabled' where id = ?").param(id).update();

        for (TokenClient tokens : new TokenClient[] {onFirst, onSecond}) {
            Instant deadline = Instant.now().plusSeconds(5);
            Response response = tokens.basic(id, apiKey, "grant_type", "client_credentials");
            while (response.status() == 200 && Instant.now().isBefore(deadline)) {
                Thread.sleep(10);
                response = tokens.basic(id, apiKey, "grant_type", "client_credentials");
            }
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.field("error_description")).isEqualTo("The API key is disabled");
        }
    }

    @Test
    void adminChangeWhenAnInstanceStopsConfirmingThenWaitsUntilItsLeaseHasEnded() {
        Response created = admin.post("/keys", "{\"name\": \"barrier\", \"scopes\": [\"read:x\"]}");
        String id = created.field("id");
        // An instance that took a lease and then went silent (crashed, or cut off from the database).
        UUID silent = silentInstance("1500 milliseconds");

        Response disabled = admin.post("/keys/" + id + "/disable", null);

        assertThat(disabled.status()).isEqualTo(200);
        Boolean leaseEnded = first.jdbc().sql("select lease_until <= now() from key_cache_instances where instance_id = ?")
                .param(silent)
                .query(Boolean.class)
                .single();
        assertThat(leaseEnded).as("the silent instance's lease had ended when the disable returned").isTrue();
    }

    @Test
    void adminDisableWhenAnInstanceHoldsALeaseItNeverConfirmsThen503NotConfirmedAndTheChangeStands() {
        Response created = admin.post("/keys", "{\"name\": \"unconfirmed\", \"scopes\": [\"read:x\"]}");
        String id = created.field("id");
        // An instance configured with an hour-long lease that went silent: nobody can say when it stops.
        UUID silent = silentInstance("1 hour");
        try {
            Response disabled = admin.post("/keys/" + id + "/disable", null);

            assertThat(disabled.status()).isEqualTo(503);
            assertThat(disabled.header("Content-Type")).startsWith("application/problem+json");
            assertThat(disabled.field("type")).endsWith("/not-confirmed");
            assertThat(disabled.header("Retry-After")).isEqualTo("1");
            assertThat(admin.get("/keys/" + id).field("status")).isEqualTo("disabled");
        } finally {
            first.jdbc().sql("delete from key_cache_instances where instance_id = ?").param(silent).update();
        }
    }

    @Test
    void adminDisableWhileInstancesCannotRecordTheirConfirmationThenReturnsOnlyOnceTheyHave() throws Exception {
        Response created = admin.post("/keys", "{\"name\": \"held\", \"scopes\": [\"read:x\"]}");
        String id = created.field("id");
        awaitAnsweringFromMemory(first);
        awaitAnsweringFromMemory(second);

        // Listeners can read but not write their confirmations; their leases (2 s) still run.
        Response afterRelease = heldUntilReleased("lock table key_cache_instances in share mode",
                () -> admin.post("/keys/" + id + "/disable", null), "the disable waits for the instances' confirmations");

        assertThat(afterRelease.status()).isEqualTo(200);
    }

    @Test
    void leaseWhenItRunsOutWhileMemoryAnswersThenEveryKeyIsForgottenAndTheLapseCounted() throws Exception {
        Key key = rememberedBySecond("lapsing");
        TokenClient tokens = new TokenClient(second.tokenEndpoint());
        ApiKeyCache cache = second.bean(ApiKeyCache.class);
        MeterRegistry meters = second.bean(MeterRegistry.class);
        double lapsesBefore = count(meters, "lapses");

        // The listeners cannot record a confirmation for longer than their lease (2 s).
        try (Connection connection = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            sql.execute("lock table key_cache_instances in share mode");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (cache.answeringFromMemory() && Instant.now().isBefore(deadline)) {
                sleep(10);
            }
            // The confirmation stuck behind the lock was sent up to a heartbeat (0.5 s) after the last
            // one: released now, it would still grant a lease. Held past that, it grants none.
            sleep(1500);
            connection.rollback();
        }
        awaitAnsweringFromMemory(second);

        assertThat(count(meters, "lapses")).isGreaterThan(lapsesBefore);
        assertThat(cache.remembers(key.id())).as("forgotten when the lease ran out").isFalse();
        assertThat(key.token(tokens).status()).isEqualTo(200);
        assertThat(cache.remembers(key.id())).as("read again and remembered").isTrue();
    }

    @Test
    void listenerWhenItsConnectionIsCutWhileMemoryAnswersThenCountedAndEveryLookupReadsTheDatabaseUntilItIsBack()
            throws Exception {
        Key key = rememberedBySecond("interrupted");
        TokenClient tokens = new TokenClient(second.tokenEndpoint());
        ApiKeyCache cache = second.bean(ApiKeyCache.class);
        MeterRegistry meters = second.bean(MeterRegistry.class);
        double interruptionsBefore = count(meters, "interruptions");
        double lapsesBefore = count(meters, "lapses");
        String database = databaseName();

        try (Connection superuser = DriverManager.getConnection(TestPostgres.adminUrl(), TestPostgres.user(), TestPostgres.password());
             Statement sql = superuser.createStatement()) {
            // The listeners' connections end and stay refused while this instance serves a token.
            sql.execute("alter database " + database + " allow_connections false");
            try {
                sql.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database
                        + "' and application_name = 'keymint key changes'");
                Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
                while ((cache.answeringFromMemory() || cache.remembers(key.id())) && Instant.now().isBefore(deadline)) {
                    sleep(10);
                }
                assertThat(cache.answeringFromMemory()).isFalse();
                assertThat(cache.remembers(key.id())).as("forgotten when the connection failed").isFalse();
                double hits = count(meters, "hits");
                double unanswered = count(meters, "unanswered");

                assertThat(key.token(tokens).status()).isEqualTo(200);

                assertThat(count(meters, "hits")).as("not answered from memory").isEqualTo(hits);
                assertThat(count(meters, "unanswered")).isEqualTo(unanswered + 1);
            } finally {
                sql.execute("alter database " + database + " allow_connections true");
            }
        }
        awaitBothInstancesAnsweringFromMemory();

        assertThat(count(meters, "interruptions")).isEqualTo(interruptionsBefore + 1);
        assertThat(count(meters, "lapses")).as("a failed connection is not a lapse").isEqualTo(lapsesBefore);
        assertThat(key.token(tokens).status()).isEqualTo(200);
        assertThat(cache.remembers(key.id())).as("read again and remembered").isTrue();
        assertThat(TokenClient.get(second.managementUrl() + "/actuator/prometheus").body())
                .contains("keymint_keys_cache_interruptions_total ", "keymint_keys_cache_unanswered_total ");
    }

    /**
     * The announcements of a change can reach a listener while it is confirming: it applies them but
     * its confirmation, stamped before they were made, does not cover them, so it must confirm again
     * at once rather than wait for the next announcement. Here one instance's heartbeat is an hour:
     * only that immediate confirmation lets the disable return 200 (the barrier gives up after 10 s).
     */
    @Test
    void adminDisableWhenItsAnnouncementsArriveWhileListenersAreConfirmingThenTheyConfirmAgainAtOnce() throws Exception {
        Response created = admin.post("/keys", "{\"name\": \"mid-confirmation\", \"scopes\": [\"read:x\"]}");
        String id = created.field("id");
        try (KeymintServer hourly = KeymintServer.onDatabase(jdbcUrl).masterKey(masterKey)
                .property("keymint.keys.cache.heartbeat", "1h")
                .property("keymint.keys.cache.lease", "2h")
                .start();
             Connection locking = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             Connection listening = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             Statement lock = locking.createStatement();
             Statement listen = listening.createStatement()) {
            awaitAnsweringFromMemory(hourly);
            listen.execute("listen " + KeyChangeListener.CHANNEL);
            PGConnection announcements = listening.unwrap(PGConnection.class);
            locking.setAutoCommit(false);
            // Listeners can take the time of a confirmation but not record it.
            lock.execute("lock table key_cache_instances in share mode");
            CompletableFuture<Response> disabled;
            try {
                // Every listener wakes, takes the database time of its confirmation, then waits on the lock.
                listen.execute("select pg_notify('" + KeyChangeListener.CHANNEL + "', '" + LeaseBarrier.SYNC + "')");
                announcements.getNotifications();
                awaitListenersWaitingOnALock(listen, liveLeases());

                disabled = CompletableFuture.supplyAsync(() -> admin.post("/keys/" + id + "/disable", null));
                // Both of the disable's announcements are made (they arrive in order): the listeners
                // receive them with the answer to the confirmation they are waiting to record.
                awaitAnnouncement(announcements, LeaseBarrier.SYNC);
            } finally {
                locking.rollback();
            }

            assertThat(disabled.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void tokenWhenKeyDisabledWhileTheListenerWasCutOffThenRefusedOnceItIsBack() throws Exception {
        Response created = admin.post("/keys", "{\"name\": \"missed\", \"scopes\": [\"read:x\"]}");
        String id = created.field("id");
        String apiKey = created.field("api_key");
        TokenClient onSecond = new TokenClient(second.tokenEndpoint());
        awaitAnsweringFromMemory(second);
        assertThat(onSecond.basic(id, apiKey, "grant_type", "client_credentials").status()).isEqualTo(200);
        assertThat(second.bean(ApiKeyCache.class).remembers(id)).isTrue();
        String database = databaseName();

        try (Connection owner = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             Connection superuser = DriverManager.getConnection(TestPostgres.adminUrl(), TestPostgres.user(), TestPostgres.password());
             Statement inDatabase = owner.createStatement();
             Statement sql = superuser.createStatement()) {
            // Cut every listener off and keep them off while the key changes: its announcement is lost.
            sql.execute("alter database " + database + " allow_connections false");
            try {
                sql.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database
                        + "' and application_name = 'keymint key changes'");
                inDatabase.execute("update api_keys set status = 'disabled' where id = '" + id + "'");
            } finally {
                sql.execute("alter database " + database + " allow_connections true");
            }
        }
        awaitBothInstancesAnsweringFromMemory();

        Response afterwards = onSecond.basic(id, apiKey, "grant_type", "client_credentials");

        assertThat(afterwards.status()).isEqualTo(401);
        assertThat(afterwards.field("error_description")).isEqualTo("The API key is disabled");
    }

    /**
     * What the listener's confirmations rest on, pinned against this PostgreSQL and pgjdbc: the
     * announcement of a transaction committed before a statement began has reached the listening
     * client by the time that statement has returned.
     */
    @Test
    void announcementCommittedBeforeAStatementBeganArrivesWithThatStatementsAnswer() throws Exception {
        try (Connection listening = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             Connection changing = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             Statement listen = listening.createStatement();
             Statement change = changing.createStatement()) {
            listen.execute("listen keymint_test_order");
            PGConnection notifications = listening.unwrap(PGConnection.class);
            for (int round = 0; round < 200; round++) {
                change.execute("select pg_notify('keymint_test_order', '" + round + "')");
                listen.execute("select now()");

                PGNotification[] arrived = notifications.getNotifications();

                assertThat(arrived).as("round %d", round).isNotNull().hasSize(1);
                assertThat(arrived[0].getParameter()).isEqualTo(String.valueOf(round));
            }
        }
    }

    @Test
    void instanceWhenStoppedThenWithdrawsItsLeaseSoAdminChangesDoNotWaitForIt() {
        KeymintServer third = KeymintServer.onDatabase(jdbcUrl).masterKey(masterKey).start();
        awaitAnsweringFromMemory(third);
        assertThat(liveLeases()).isEqualTo(3);

        third.close();

        assertThat(liveLeases()).isEqualTo(2);
    }

    @Test
    void tokenWhenMoreKeysInUseThanMaxEntriesThenTheBusyKeysStayInMemoryAndAnEvictedKeyIsReadAgainAndKept()
            throws Exception {
        List<Key> busy = createKeys("busy", 2);
        List<Key> rare = createKeys("rare", 5);
        try (KeymintServer small = withMaxEntries(3)) {
            TokenClient tokens = new TokenClient(small.tokenEndpoint());
            ApiKeyCache cache = small.bean(ApiKeyCache.class);
            awaitAnsweringFromMemory(small);
            for (int round = 0; round < 10; round++) {
                busy.forEach(key -> assertThat(key.token(tokens).status()).isEqualTo(200));
            }
            // More keys than the cache holds, each used once: they must not push the busy ones out.
            rare.forEach(key -> assertThat(key.token(tokens).status()).isEqualTo(200));

            assertThat(cache.size()).isEqualTo(3);
            assertThat(busy).allMatch(key -> cache.remembers(key.id()));
            Key evicted = rare.get(0);
            assertThat(cache.remembers(evicted.id())).isFalse();
            whileApiKeysLocked(() -> busy.forEach(key -> assertThat(key.token(tokens).status()).isEqualTo(200)));

            Response reread = heldUntilReleased("lock table api_keys in access exclusive mode",
                    () -> evicted.token(tokens), "the evicted key is read from the database again");

            assertThat(reread.status()).isEqualTo(200);
            assertThat(cache.remembers(evicted.id())).isTrue();
            whileApiKeysLocked(() -> assertThat(evicted.token(tokens).status()).isEqualTo(200));
            assertThat(busy).allMatch(key -> cache.remembers(key.id()));
        }
    }

    @Test
    void tokenWhenKeyWasEvictedAndReadAgainThenAnAdminDisableIsStillSeenByTheVeryNextRequest() {
        List<Key> keys = createKeys("evicted-then-disabled", 3);
        Key changed = keys.get(0);
        try (KeymintServer small = withMaxEntries(1)) {
            TokenClient tokens = new TokenClient(small.tokenEndpoint());
            ApiKeyCache cache = small.bean(ApiKeyCache.class);
            awaitAnsweringFromMemory(small);
            keys.forEach(key -> assertThat(key.token(tokens).status()).isEqualTo(200));
            assertThat(cache.remembers(changed.id())).isFalse();
            assertThat(changed.token(tokens).status()).isEqualTo(200);
            assertThat(cache.remembers(changed.id())).as("read again after its eviction and kept").isTrue();

            assertThat(admin.post("/keys/" + changed.id() + "/disable", null).status()).isEqualTo(200);
            Response afterwards = changed.token(tokens);

            assertThat(afterwards.status()).isEqualTo(401);
            assertThat(afterwards.field("error_description")).isEqualTo("The API key is disabled");
        }
    }

    @Test
    void keyLookupsAreCountedAsHitsWhenAnsweredFromMemoryAndAsMissesWhenTheyReadTheDatabase() {
        List<Key> keys = createKeys("counted", 2);
        try (KeymintServer small = withMaxEntries(1)) {
            TokenClient tokens = new TokenClient(small.tokenEndpoint());
            MeterRegistry meters = small.bean(MeterRegistry.class);
            awaitAnsweringFromMemory(small);
            Key held = keys.get(0);
            Key other = keys.get(1);

            assertThat(held.token(tokens).status()).isEqualTo(200);
            assertThat(counts(meters)).containsExactly(0.0, 1.0, 0.0);
            for (int i = 0; i < 4; i++) {
                assertThat(held.token(tokens).status()).isEqualTo(200);
            }
            assertThat(counts(meters)).containsExactly(4.0, 1.0, 0.0);
            // A well-formed key nobody created reads the database and is never remembered.
            ApiKeyFormat.NewApiKey unknown = ApiKeyFormat.generate();
            assertThat(tokens.basic(unknown.id(), unknown.apiKey(), "grant_type", "client_credentials").status())
                    .isEqualTo(401);
            assertThat(counts(meters)).containsExactly(4.0, 2.0, 0.0);
            // A second key in a cache of one: one of the two is dropped.
            assertThat(other.token(tokens).status()).isEqualTo(200);
            assertThat(counts(meters)).containsExactly(4.0, 3.0, 1.0);
            assertThat(TokenClient.get(small.managementUrl() + "/actuator/prometheus").body())
                    .contains("keymint_keys_cache_hits_total ", "keymint_keys_cache_misses_total ",
                            "keymint_keys_cache_evictions_total ");
        }
    }

    /**
     * An instance holding at most {@code maxEntries} keys. Its lease is long enough that a slow
     * confirmation on a busy machine does not empty its memory halfway through a test (which would
     * make keys look evicted); what leases promise is tested above.
     */
    private static KeymintServer withMaxEntries(int maxEntries) {
        return KeymintServer.onDatabase(jdbcUrl).masterKey(masterKey)
                .property("keymint.keys.cache.max-entries", maxEntries)
                .property("keymint.keys.cache.lease", "10s")
                .start();
    }

    private static double count(MeterRegistry meters, String name) {
        return meters.get("keymint.keys.cache." + name).functionCounter().count();
    }

    /** keymint.keys.cache hits, misses and evictions. */
    private static List<Double> counts(MeterRegistry meters) {
        return List.of("hits", "misses", "evictions").stream()
                .map(name -> count(meters, name))
                .toList();
    }

    private record Key(String id, String apiKey) {

        Response token(TokenClient tokens) {
            return tokens.basic(id, apiKey, "grant_type", "client_credentials");
        }
    }

    /** A new key the second instance has issued a token for, so it holds the key in memory. */
    private static Key rememberedBySecond(String name) {
        Key key = createKeys(name, 1).get(0);
        awaitAnsweringFromMemory(second);
        assertThat(key.token(new TokenClient(second.tokenEndpoint())).status()).isEqualTo(200);
        assertThat(second.bean(ApiKeyCache.class).remembers(key.id())).isTrue();
        return key;
    }

    private static String databaseName() {
        return jdbcUrl.replaceAll("^.*/([^/?]+)(\\?.*)?$", "$1");
    }

    private static List<Key> createKeys(String name, int count) {
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Response created = admin.post("/keys", "{\"name\": \"" + name + "-" + i + "\", \"scopes\": [\"read:x\"]}");
            assertThat(created.status()).isEqualTo(201);
            keys.add(new Key(created.field("id"), created.field("api_key")));
        }
        return keys;
    }

    /** Runs {@code requests} while any read of api_keys would wait: what they get, they got from memory. */
    private static void whileApiKeysLocked(Runnable requests) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            sql.execute("lock table api_keys in access exclusive mode");
            try {
                CompletableFuture.runAsync(requests).get(10, TimeUnit.SECONDS);
            } finally {
                connection.rollback();
            }
        }
    }

    private static long liveLeases() {
        return first.jdbc().sql("select count(*) from key_cache_instances where lease_until > now()")
                .query(Long.class)
                .single();
    }

    /**
     * Makes {@code call} while another transaction holds {@code lock}, asserts that it is still
     * waiting a second later (for the reason {@code why}), releases the lock and returns its answer.
     */
    private static Response heldUntilReleased(String lock, Supplier<Response> call, String why) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            sql.execute(lock);
            CompletableFuture<Response> answer = CompletableFuture.supplyAsync(call);
            try {
                Thread.sleep(1000);
                assertThat(answer).as(why).isNotDone();
            } finally {
                connection.rollback();
            }
            return answer.get(10, TimeUnit.SECONDS);
        }
    }

    /** Waits until {@code count} backends named like the listeners' connections wait on a lock. */
    private static void awaitListenersWaitingOnALock(Statement sql, long count) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        long waiting;
        do {
            sleep(10);
            try (ResultSet result = sql.executeQuery("""
                    select count(*) from pg_stat_activity
                     where datname = current_database() and application_name = 'keymint key changes'
                       and wait_event_type = 'Lock'
                    """)) {
                result.next();
                waiting = result.getLong(1);
            }
        } while (waiting < count && Instant.now().isBefore(deadline));
        assertThat(waiting).as("listeners waiting to record their confirmation").isEqualTo(count);
    }

    /** Waits until {@code payload} is announced on the listeners' channel. */
    private static void awaitAnnouncement(PGConnection announcements, String payload) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            PGNotification[] arrived = announcements.getNotifications(100);
            if (arrived != null && Arrays.stream(arrived).anyMatch(n -> payload.equals(n.getParameter()))) {
                return;
            }
        }
        throw new AssertionError("No announcement " + payload + " within 10 s");
    }

    /** A lease taken now by an instance that will never confirm again. */
    private static UUID silentInstance(String lease) {
        UUID silent = UUID.randomUUID();
        first.jdbc().sql("""
                        insert into key_cache_instances (instance_id, confirmed_through, lease_until)
                        values (?, now(), now() + cast(? as interval))
                        """)
                .param(silent)
                .param(lease)
                .update();
        return silent;
    }

    /**
     * After every listener was cut off: each reconnects after a pause that grows with its failed
     * attempts, so the first instance may still be pausing when the second answers again, and a later
     * test counting live leases would find it missing.
     */
    private static void awaitBothInstancesAnsweringFromMemory() {
        awaitAnsweringFromMemory(first);
        awaitAnsweringFromMemory(second);
    }

    private static void awaitAnsweringFromMemory(KeymintServer server) {
        ApiKeyCache cache = server.bean(ApiKeyCache.class);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!cache.answeringFromMemory() && Instant.now().isBefore(deadline)) {
            sleep(10);
        }
        assertThat(cache.answeringFromMemory()).isTrue();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Response token(TokenClient tokens, BootstrappedOrganization key) {
        return tokens.basic(key.clientId(), key.apiKey(), "grant_type", "client_credentials");
    }
}
