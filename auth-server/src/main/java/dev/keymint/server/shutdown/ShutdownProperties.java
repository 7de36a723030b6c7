package dev.keymint.server.shutdown;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the server stops ({@code KEYMINT_SHUTDOWN_DRAIN}); see {@link ConnectionDrain}.
 *
 * @param drain how long, after SIGTERM, the server keeps answering every request (each with
 *              {@code Connection: close}) while readiness already says it refuses traffic, before it
 *              stops accepting connections and finishes the requests in progress; 0 skips the drain
 */
@ConfigurationProperties("keymint.shutdown")
public record ShutdownProperties(@DefaultValue("2s") Duration drain) {

    public ShutdownProperties {
        if (drain.isNegative()) {
            throw new IllegalArgumentException("keymint.shutdown.drain must not be negative: " + drain);
        }
    }
}
