package dev.keymint.server.status;

import dev.keymint.server.keys.cache.KeyCacheProperties;
import dev.keymint.server.signing.SigningKeys;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The lists in memory (a follower of the key change listener) and their signed tokens. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class StatusListConfiguration {

    @Bean
    StatusLists statusLists(JdbcStatusRepository repository, KeyCacheProperties keyCache,
                            StatusListProperties properties) {
        return new StatusLists(repository, keyCache, properties);
    }

    @Bean
    StatusListTokens statusListTokens(StatusLists lists, SigningKeys signingKeys, StatusListProperties properties,
                                      Clock clock) {
        return new StatusListTokens(lists, signingKeys, properties, clock);
    }
}
