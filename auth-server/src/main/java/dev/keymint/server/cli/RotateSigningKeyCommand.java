package dev.keymint.server.cli;

import dev.keymint.server.signing.SigningKeyStore;

/**
 * {@code rotate-signing-key [--emergency]}: starts a signing-key rotation. Without
 * {@code --emergency} a new key is published now and signs after the pre-publication window, so
 * no token breaks. With it the current key is removed at once (key compromise): tokens it signed
 * stop verifying. Running servers pick the change up within their refresh interval.
 */
final class RotateSigningKeyCommand {

    static final String NAME = "rotate-signing-key";
    static final String USAGE = NAME + " [--emergency]";

    private RotateSigningKeyCommand() {
    }

    static Commands.Command parse(String[] args) {
        boolean emergency = false;
        for (int i = 1; i < args.length; i++) {
            if (!"--emergency".equals(args[i])) {
                throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
            emergency = true;
        }
        boolean compromised = emergency;
        return context -> {
            SigningKeyStore store = context.getBean(SigningKeyStore.class);
            return compromised
                    ? "Replaced the current signing key; now signing with " + store.replaceCompromisedKey()
                    : "Published signing key " + store.rotate() + "; it starts signing after the pre-publication window";
        };
    }
}
