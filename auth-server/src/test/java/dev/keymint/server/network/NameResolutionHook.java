package dev.keymint.server.network;

import com.code_intelligence.jazzer.api.FuzzerSecurityIssueHigh;
import com.code_intelligence.jazzer.api.HookType;
import com.code_intelligence.jazzer.api.Jazzer;
import com.code_intelligence.jazzer.api.MethodHook;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Callable;

/**
 * A Jazzer hook (registered in junit-platform.properties; Jazzer applies it to Keymint's own
 * calls) that makes a call able to look up a host name a finding while {@link #forbidden} code
 * runs: address parsing must never consult DNS, or an {@code X-Forwarded-For} entry could make the
 * server resolve a name of the client's choosing (with a search domain, {@code 999.1.1.1} is one).
 *
 * <p>The JDK's {@code InetAddress.getByName} never resolves a bracketed IPv6 literal
 * ({@code [::1]}): it parses it or throws. Any other argument may end in a lookup, so it is
 * reported even if this one would not.
 */
public final class NameResolutionHook {

    private static final ThreadLocal<Boolean> FORBIDDEN = ThreadLocal.withInitial(() -> false);

    private NameResolutionHook() {
    }

    /** Runs {@code action} with name resolution reported as a finding on this thread. */
    static <T> T forbidden(Callable<T> action) throws Exception {
        FORBIDDEN.set(true);
        try {
            return action.call();
        } finally {
            FORBIDDEN.set(false);
        }
    }

    @MethodHook(type = HookType.BEFORE, targetClassName = "java.net.InetAddress", targetMethod = "getByName")
    @MethodHook(type = HookType.BEFORE, targetClassName = "java.net.InetAddress", targetMethod = "getAllByName")
    public static void beforeLookup(MethodHandle method, Object thisObject, Object[] arguments, int hookId) {
        if (FORBIDDEN.get() && !(arguments[0] instanceof String host && host.startsWith("[") && host.contains(":"))) {
            Jazzer.reportFindingFromHook(new FuzzerSecurityIssueHigh("InetAddress may look up the host name "
                    + arguments[0] + " while an address is parsed"));
        }
    }
}
