package dev.keymint.server.keys;

/** A created key and its one-time secret: shown once, never stored. */
public record CreatedKey(ApiKey key, String apiKey) {

    @Override
    public String toString() {
        return "CreatedKey[key=" + key + ", apiKey=<redacted>]";
    }
}
