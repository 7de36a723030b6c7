package dev.keymint.server.keys;

/** Keys that are well-formed (checksum and all) but were never issued, for authentication tests. */
public final class ApiKeyFixtures {

    private ApiKeyFixtures() {
    }

    /** A key naming {@code id} with a secret that is not the stored one. */
    public static String wellFormedKeyWithWrongSecret(String id) {
        return ApiKeyFormat.format(id, "W".repeat(ApiKeyFormat.SECRET_LENGTH));
    }
}
