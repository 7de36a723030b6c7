package dev.keymint.server.cli;

import dev.keymint.server.signing.SigningKeyAuditTrail;
import dev.keymint.server.signing.SigningKeyStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rotate-signing-key [--emergency]}: starts a signing-key rotation. Without
 * {@code --emergency} a new key is published now and signs after the pre-publication window, so
 * no token breaks. With it the current key is removed at once (key compromise): tokens it signed
 * stop verifying. Running servers pick the change up within their refresh interval.
 */
@Command(name = "rotate-signing-key",
        description = {"Start a signing-key rotation: publish a new key that signs after the pre-publication window.",
                "Works on the database; running servers pick the change up within their refresh interval."})
final class RotateSigningKeyCommand implements Callable<Integer> {

    /** The audit trail's actor for a rotation by this command, which has no admin key. */
    static final String AUDIT_ACTOR = "cli";

    @Spec
    private CommandSpec spec;

    @Option(names = "--emergency",
            description = "Key compromise: remove the current key at once; the tokens it signed stop verifying.")
    private boolean emergency;

    @Override
    public Integer call() {
        return InServerContext.run("rotate-signing-key", spec.commandLine().getOut(), spec.commandLine().getErr(), context -> {
            SigningKeyStore store = context.getBean(SigningKeyStore.class);
            String kid = emergency ? store.replaceCompromisedKey() : store.rotate();
            context.getBean(SigningKeyAuditTrail.class).rotatedForEveryOrganization(AUDIT_ACTOR,
                    emergency ? "signing-key.emergency-rotate" : "signing-key.rotate", kid);
            return emergency
                    ? "Replaced the current signing key; now signing with " + kid
                    : "Published signing key " + kid + "; it starts signing after the pre-publication window";
        });
    }
}
