"""Splits async-profiler collapsed stacks of a Keymint server into the tables of bench/PROFILE.md.

Usage: python3 bench/cpu-breakdown.py profile.collapsed [SERVER_CPU_MS_PER_TOKEN]  (markdown on stdout; bench/cpu-profile.sh calls it)

Each sample goes to exactly one row, in this order: the JWS signature (anything under nimbus's
JWSObject.sign: the signer, the JCA and its intrinsics), the JIT compilers and the garbage collector
(JVM threads), the kernel (a sample whose innermost frame is a kernel function, outside the signature:
the network stack, system calls, thread wake-ups and switches), and the rest by the layer of the
innermost frame that names one (JDK frames count for their caller: a HashMap lookup in a Spring filter
is Spring's).
"""
import collections
import sys

SIGNATURE = "com/nimbusds/jose/JWSObject.sign"
# First match wins: more specific prefixes before the packages that contain them.
LAYERS = [
    ("org/springframework/security/oauth2/server/authorization", "Spring Authorization Server"),
    ("org/springframework/security", "Spring Security"),
    ("org/springframework", "Spring (MVC, web, core)"),
    ("org/apache/tomcat", "Tomcat"),
    ("org/apache/catalina", "Tomcat"),
    ("org/apache/coyote", "Tomcat"),
    ("io/micrometer", "Micrometer"),
    ("tools/jackson", "Jackson"),
    ("com/fasterxml/jackson", "Jackson"),
    ("com/nimbusds", "nimbus (claims, serialization)"),
    ("dev/keymint", "Keymint"),
    ("com/zaxxer/hikari", "JDBC (HikariCP, PostgreSQL driver)"),
    ("org/postgresql", "JDBC (HikariCP, PostgreSQL driver)"),
    ("ch/qos/logback", "logging"),
    ("org/slf4j", "logging"),
]


# The kernel's entry code, common to every system call: the frame after it names the call.
ENTRY_WRAPPERS = {"entry_SYSCALL_64_after_hwframe", "do_syscall_64", "x64_sys_call"}


# Steps of the token path, outermost first: the share of samples whose stack passes through each.
STEPS = [
    ("Tomcat: the whole request (CoyoteAdapter.service)", "org/apache/catalina/connector/CoyoteAdapter.service"),
    ("the http.server.requests observation and everything under it", "org/springframework/web/filter/ServerHttpObservationFilter.doFilterInternal"),
    ("admission: the turn and everything under it", "dev/keymint/server/tokens/TokenRequestAdmission.doFilterInternal"),
    ("Spring Security's filter chain", "org/springframework/security/web/FilterChainProxy.doFilterInternal"),
    ("client authentication (the API key checked)", "dev/keymint/server/tokens/ApiKeyClientAuthenticationProvider.authenticate"),
    ("the grant: scopes, limits, the token minted", "dev/keymint/server/tokens/ClientCredentialsTokenProvider.authenticate"),
    ("the token built and signed (AccessTokenMinter)", "dev/keymint/server/tokens/AccessTokenMinter.mint"),
    ("the outcome booked (usage, last use, key use)", "dev/keymint/server/tokens/TokenOutcomes.issued"),
    ("the response written (TokenResponseWriter)", "dev/keymint/server/tokens/TokenResponseWriter.onAuthenticationSuccess"),
    ("the poller (NioEndpoint$Poller)", "org/apache/tomcat/util/net/NioEndpoint$Poller.run"),
]


def layer(frames):
    for frame in reversed(frames):
        for prefix, name in LAYERS:
            if frame.startswith(prefix):
                return name
    return None


def row(frames, stack):
    if SIGNATURE in stack:
        return "JWS signature (nimbus signer, JCA, intrinsics)"
    if "CompileBroker" in stack:
        return "JIT compilers"
    if "GCTaskThread" in stack or "VMThread" in stack or "VM_GC_Operation" in stack:
        return "garbage collector and safepoints (VM Thread)"
    if frames[-1].endswith("_[k]"):
        return "kernel (network stack, system calls, wake-ups)"
    return layer(frames) or "JDK and JVM only (no application frame)"


def main(path, ms_per_token=None):
    rows = collections.Counter()
    steps = collections.Counter()
    kernel_paths = collections.Counter()
    leaves = collections.Counter()
    total = 0
    for line in open(path):
        stack, count = line.rstrip("\n").rsplit(" ", 1)
        count = int(count)
        frames = stack.split(";")
        total += count
        name = row(frames, stack)
        rows[name] += count
        for step, frame in STEPS:
            if frame in stack:
                steps[step] += count
        if name.startswith("kernel"):
            kernel_paths[kernel_entry(frames)] += count
        elif not name.startswith("JWS"):
            leaves[frames[-1]] += count
    if total == 0:
        print("No samples.")
        return

    def share(n):
        return f"{100 * n / total:.1f} %"

    def cost(n):
        return f" {ms_per_token * n / total:.3f} |" if ms_per_token else ""

    print(f"## Server CPU by where it went ({total} samples)")
    print()
    print("| where | share of server CPU |" + (" ms per token |" if ms_per_token else ""))
    print("|---|---:|" + ("---:|" if ms_per_token else ""))
    for name, n in rows.most_common():
        print(f"| {name} | {share(n)} |{cost(n)}")
    print()
    print("## Steps of the token path (inclusive: everything under each)")
    print()
    print("| step | share of server CPU |")
    print("|---|---:|")
    for step, _ in STEPS:
        print(f"| {step} | {share(steps[step])} |")
    print()
    print("## Kernel samples outside the signature, by system call or interrupt")
    print()
    print("| entered through | share of server CPU |")
    print("|---|---:|")
    for name, n in kernel_paths.most_common(12):
        print(f"| `{name}` | {share(n)} |")
    print()
    print("## Hottest frames outside the signature and the kernel")
    print()
    print("| innermost frame | share of server CPU |")
    print("|---|---:|")
    for name, n in leaves.most_common(20):
        print(f"| `{name}` | {share(n)} |")


def kernel_entry(frames):
    """The system call (its handler, such as __x64_sys_futex or ksys_write) or interrupt through which the kernel was entered."""
    kernel = [frame[:-4] for frame in frames if frame.endswith("_[k]")]
    for frame in kernel:
        if frame not in ENTRY_WRAPPERS:
            return frame
    return kernel[0]


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else None)
