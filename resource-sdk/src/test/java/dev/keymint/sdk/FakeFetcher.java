package dev.keymint.sdk;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link JwksFetcher} serving settable documents and recording what was fetched. */
final class FakeFetcher implements JwksFetcher {

    final List<URI> fetched = new CopyOnWriteArrayList<>();
    volatile String jwks;
    volatile String metadata;
    volatile Duration maxAge;
    volatile boolean failing;

    FakeFetcher(String jwks) {
        this.jwks = jwks;
    }

    int count() {
        return fetched.size();
    }

    @Override
    public Fetched fetch(URI uri) throws IOException {
        fetched.add(uri);
        if (failing) {
            throw new IOException("simulated outage");
        }
        if (uri.getPath().contains("/.well-known/oauth-authorization-server")) {
            if (metadata == null) {
                throw new IOException("404");
            }
            return Fetched.of(metadata);
        }
        return new Fetched(jwks, Optional.ofNullable(maxAge));
    }
}
