package dev.keymint.server.keys.cache;

import dev.keymint.server.database.DatabaseAvailability;
import dev.keymint.server.database.DirectConnections;
import dev.keymint.server.keys.JdbcApiKeyRepository;
import dev.keymint.server.keys.KeyChangeBarrier;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The token path's key memory, the listener that keeps it right, and the admin side's barrier. */
@Configuration(proxyBeanMethods = false)
class KeyCacheConfiguration {

    @Bean
    ApiKeyCache apiKeyCache(JdbcApiKeyRepository keys, KeyCacheProperties properties,
                            ObjectProvider<MeterRegistry> meters) {
        var cache = new ApiKeyCache(keys, properties);
        meters.ifAvailable(registry -> {
            Gauge.builder("keymint.keys.cache.entries", cache, ApiKeyCache::size)
                    .description("API keys the token path holds in memory")
                    .register(registry);
            Gauge.builder("keymint.keys.cache.answering", cache, c -> c.answeringFromMemory() ? 1 : 0)
                    .description("1 while the token path may answer from memory (its change listener is confirmed), else 0")
                    .register(registry);
            Gauge.builder("keymint.keys.cache.confirmation.age", cache, ApiKeyCache::secondsSinceConfirmation)
                    .description("Seconds since the change listener last confirmed; memory answers only within the lease")
                    .baseUnit("seconds")
                    .register(registry);
            // Hit ratio = hits / (hits + misses): the share of token requests that did not read PostgreSQL for their key.
            count(registry, "keymint.keys.cache.hits", cache, ApiKeyCache::hits,
                    "Key lookups answered from memory");
            count(registry, "keymint.keys.cache.misses", cache, ApiKeyCache::misses,
                    "Key lookups that read PostgreSQL: key not held or unknown, or memory not answering");
            count(registry, "keymint.keys.cache.evictions", cache, ApiKeyCache::evictions,
                    "Keys dropped from memory to stay within max-entries");
            count(registry, "keymint.keys.cache.lapses", cache, ApiKeyCache::lapses,
                    "Times the listener's lease ran out while memory answered, so every key held was forgotten");
            count(registry, "keymint.keys.cache.interruptions", cache, ApiKeyCache::interruptions,
                    "Times the listener's connection failed while memory answered, so every key held was forgotten");
            count(registry, "keymint.keys.cache.unanswered", cache, ApiKeyCache::unansweredLookups,
                    "Key lookups made while memory was not answering (listener not confirmed); also counted as misses");
        });
        return cache;
    }

    private static void count(MeterRegistry registry, String name, ApiKeyCache cache,
                              ToDoubleFunction<ApiKeyCache> count, String description) {
        FunctionCounter.builder(name, cache, count).description(description).register(registry);
    }

    /** Without it the cache is never confirmed, so every token request reads PostgreSQL. */
    @Bean
    @ConditionalOnWebApplication
    @ConditionalOnBooleanProperty(name = "keymint.keys.cache.enabled", matchIfMissing = true)
    KeyChangeListener keyChangeListener(DirectConnections connections, ApiKeyCache cache, DatabaseAvailability availability,
                                        ObjectProvider<KeyChangeFollower> followers, KeyCacheProperties properties) {
        return new KeyChangeListener(connections, cache, followers.orderedStream().toList(), availability, properties);
    }

    @Bean
    KeyChangeBarrier keyChangeBarrier(DataSource dataSource, KeyCacheProperties properties) {
        return new LeaseBarrier(dataSource, properties);
    }
}
