package dev.keymint.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests over generated filters and paths (seeded, reproducible).
 *
 * <p>The oracle is brute force: over literals {@code a}, {@code b} and a fresh literal
 * {@code z} (which no generated filter names), every path of length 1 .. (longest fixed part
 * + 1) is enumerated. For filters of this shape that set is a faithful model: a wildcard
 * position can always be witnessed by {@code z}, and one extra segment witnesses a trailing
 * {@code **}. So {@code covers} must equal "every enumerated path matched by b is matched by a",
 * which checks both soundness and exactness; when it is false the test also holds a witness.
 */
class ResourceFilterPropertyTest {

    private static final String[] ALPHABET = {"a", "b", "z"};
    private static final long SEED = 0x5C0DEL;

    @Test
    void coversIsExactOverGeneratedFilters() {
        Random random = new Random(SEED);
        int covered = 0;
        int notCovered = 0;
        for (int i = 0; i < 20_000; i++) {
            ResourceFilter a = ResourceFilter.parse(randomFilter(random));
            ResourceFilter b = ResourceFilter.parse(randomFilter(random));
            List<String> paths = paths(Math.max(fixedLength(a), fixedLength(b)) + 1);
            String witness = null;
            for (String path : paths) {
                if (b.matches(path) && !a.matches(path)) {
                    witness = path;
                    break;
                }
            }
            boolean covers = a.covers(b);
            assertThat(covers)
                    .as("%s covers %s (witness path not matched by a: %s)", a, b, witness)
                    .isEqualTo(witness == null);
            if (covers) {
                covered++;
                // Also sample deeper paths from b, beyond the enumerated lengths.
                for (int k = 0; k < 5; k++) {
                    String path = instantiate(b, random);
                    assertThat(b.matches(path)).as("%s matches its instance %s", b, path).isTrue();
                    assertThat(a.matches(path)).as("%s covers %s so matches %s", a, b, path).isTrue();
                }
            } else {
                notCovered++;
            }
        }
        assertThat(covered).as("generated covering pairs").isGreaterThan(1_000);
        assertThat(notCovered).as("generated non-covering pairs").isGreaterThan(1_000);
    }

    @Test
    void coversIsReflexiveAndTransitive() {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < 20_000; i++) {
            ResourceFilter a = ResourceFilter.parse(randomFilter(random));
            ResourceFilter b = ResourceFilter.parse(randomFilter(random));
            ResourceFilter c = ResourceFilter.parse(randomFilter(random));
            assertThat(a.covers(a)).as("%s covers itself", a).isTrue();
            if (a.covers(b) && b.covers(c)) {
                assertThat(a.covers(c)).as("%s covers %s via %s", a, c, b).isTrue();
            }
        }
    }

    @Test
    void matchesAgreesWithInstancesOfTheFilter() {
        Random random = new Random(SEED + 2);
        for (int i = 0; i < 20_000; i++) {
            ResourceFilter f = ResourceFilter.parse(randomFilter(random));
            String path = instantiate(f, random);
            assertThat(f.matches(path)).as("%s matches %s", f, path).isTrue();
            // A literal filter equal to the path is covered by f.
            assertThat(f.covers(ResourceFilter.parse(path))).as("%s covers literal %s", f, path).isTrue();
        }
    }

    @Test
    void scopeTextRoundTripsThroughParse() {
        Random random = new Random(SEED + 3);
        String[] actions = {"read", "write", "admin", "*"};
        for (int i = 0; i < 5_000; i++) {
            List<Scope> list = new ArrayList<>();
            int n = random.nextInt(6);
            for (int k = 0; k < n; k++) {
                list.add(Scope.of(actions[random.nextInt(4)], randomFilter(random)));
            }
            Scopes scopes = Scopes.of(list);
            Scopes again = Scopes.parse(scopes.toString());
            assertThat(again).isEqualTo(scopes);
            assertThat(again.toString()).isEqualTo(scopes.toString());
            for (Scope s : list) {
                assertThat(Scope.parse(s.toString())).isEqualTo(s);
                assertThat(scopes.covers(s)).isTrue();
            }
        }
    }

    /** Filters over literals a, b with '*' segments, an optional trailing '**', and the lone '*'. */
    static String randomFilter(Random random) {
        int kind = random.nextInt(20);
        if (kind == 0) {
            return "*";
        }
        if (kind == 1) {
            return "**";
        }
        int fixed = random.nextInt(4);
        boolean tail = random.nextInt(3) == 0;
        if (fixed == 0 && !tail) {
            fixed = 1;
        }
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < fixed; i++) {
            int r = random.nextInt(5);
            segments.add(r < 2 ? "a" : r < 3 ? "b" : "*");
        }
        if (tail) {
            segments.add("**");
        }
        return String.join("/", segments);
    }

    private static int fixedLength(ResourceFilter f) {
        String s = f.toString();
        if (s.equals("*") || s.equals("**")) {
            return 0;
        }
        int n = s.split("/").length;
        return s.endsWith("/**") ? n - 1 : n;
    }

    private static List<String> paths(int maxLength) {
        List<String> out = new ArrayList<>();
        List<String> level = List.of("");
        for (int len = 1; len <= maxLength; len++) {
            List<String> next = new ArrayList<>();
            for (String prefix : level) {
                for (String seg : ALPHABET) {
                    next.add(prefix.isEmpty() ? seg : prefix + "/" + seg);
                }
            }
            out.addAll(next);
            level = next;
        }
        return out;
    }

    /** A random concrete path matched by {@code f}, with up to 6 segments for a trailing '**'. */
    private static String instantiate(ResourceFilter f, Random random) {
        String text = f.toString();
        List<String> out = new ArrayList<>();
        boolean tail = text.equals("*") || text.equals("**") || text.endsWith("/**");
        if (!(text.equals("*") || text.equals("**"))) {
            for (String seg : text.split("/")) {
                if (seg.equals("**")) {
                    continue;
                }
                out.add(seg.equals("*") ? randomSegment(random) : seg);
            }
        }
        if (tail) {
            int extra = random.nextInt(7);
            if (out.isEmpty() && extra == 0) {
                extra = 1;
            }
            for (int i = 0; i < extra; i++) {
                out.add(randomSegment(random));
            }
        }
        return String.join("/", out);
    }

    private static String randomSegment(Random random) {
        String[] pool = {"a", "b", "z", "42", "x-y", "A.b~c", "%20"};
        return pool[random.nextInt(pool.length)];
    }
}
