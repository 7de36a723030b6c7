package dev.keymint.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeTest {

    @Test
    void coversWhenDoubleStarThenAnyDepth() {
        Scope granted = Scope.parse("read:projects/42/**");
        assertThat(granted.allows("read", "projects/42")).isTrue();
        assertThat(granted.allows("read", "projects/42/docs")).isTrue();
        assertThat(granted.allows("read", "projects/42/docs/7/pages/3")).isTrue();
        assertThat(granted.allows("read", "projects/42/docs/**")).isTrue();
        assertThat(granted.allows("read", "projects/43")).isFalse();
        assertThat(granted.allows("read", "projects")).isFalse();
        assertThat(granted.allows("read", "projects/*")).isFalse();
    }

    @Test
    void coversWhenSingleStarThenExactlyOneSegment() {
        Scope granted = Scope.parse("write:projects/*/invoices");
        assertThat(granted.allows("write", "projects/42/invoices")).isTrue();
        assertThat(granted.allows("write", "projects/*/invoices")).isTrue();
        assertThat(granted.allows("write", "projects/invoices")).isFalse();
        assertThat(granted.allows("write", "projects/42/7/invoices")).isFalse();
        assertThat(granted.allows("write", "projects/42/invoices/7")).isFalse();
        assertThat(granted.allows("write", "projects/**")).isFalse();
    }

    @Test
    void coversWhenLoneStarThenEveryResource() {
        Scope granted = Scope.parse("admin:*");
        assertThat(granted.allows("admin", "keys")).isTrue();
        assertThat(granted.allows("admin", "keys/abc/usage")).isTrue();
        assertThat(granted.allows("admin", "**")).isTrue();
        assertThat(granted.allows("admin", "*/**")).isTrue();
        assertThat(Scope.parse("admin:**").covers(granted)).isTrue();
        assertThat(granted.toString()).isEqualTo("admin:*");
    }

    @Test
    void coversWhenStarDoubleStarThenSameAsDoubleStarBecausePathsAreNonEmpty() {
        assertThat(ResourceFilter.parse("*/**").covers(ResourceFilter.parse("**"))).isTrue();
        assertThat(ResourceFilter.parse("*/*/**").covers(ResourceFilter.parse("**"))).isFalse();
    }

    @Test
    void coversWhenLiteralThenOnlyItself() {
        Scope granted = Scope.parse("read:projects/42");
        assertThat(granted.allows("read", "projects/42")).isTrue();
        assertThat(granted.allows("read", "projects/420")).isFalse();
        assertThat(granted.allows("read", "projects/4")).isFalse();
        assertThat(granted.allows("read", "Projects/42")).isFalse();
        assertThat(granted.allows("read", "projects/42/docs")).isFalse();
        assertThat(granted.allows("read", "projects/*")).isFalse();
    }

    @Test
    void coversWhenOtherActionThenFalseBecauseNoActionImpliesAnother() {
        assertThat(Scope.parse("admin:keys/**").allows("read", "keys/1")).isFalse();
        assertThat(Scope.parse("write:keys/**").allows("read", "keys/1")).isFalse();
        assertThat(Scope.parse("read:keys/**").allows("*", "keys/1")).isFalse();
    }

    @Test
    void coversWhenAnyActionThenEveryAction() {
        Scope granted = Scope.parse("*:keys/**");
        assertThat(granted.allows("read", "keys/1")).isTrue();
        assertThat(granted.allows("write", "keys/1")).isTrue();
        assertThat(granted.allows("admin", "keys/1")).isTrue();
        assertThat(granted.allows("*", "keys/1")).isTrue();
        assertThat(granted.allows("read", "other")).isFalse();
    }

    @Test
    void parseWhenValidThenPartsAndTextKept() {
        Scope scope = Scope.parse("write:org-1/team_2/a.b~c@d+e=f,g%20h");
        assertThat(scope.action()).isEqualTo("write");
        assertThat(scope.filter().toString()).isEqualTo("org-1/team_2/a.b~c@d+e=f,g%20h");
        assertThat(scope).isEqualTo(Scope.of("write", "org-1/team_2/a.b~c@d+e=f,g%20h"));
        assertThat(scope.hashCode()).isEqualTo(Scope.of("write", "org-1/team_2/a.b~c@d+e=f,g%20h").hashCode());
        assertThat(scope.toString()).isEqualTo("write:org-1/team_2/a.b~c@d+e=f,g%20h");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "read", "read:", ":projects", "delete:projects", "READ:projects", "read :x",
            "read:/projects", "read:projects/", "read:projects//42", "read:**/x", "read:a/**/b", "read:a*",
            "read:*a", "read:a/***", "read:a b", "read:a\tb", "read:a\nb", "read:a\u0000", "read:a:b",
            "read:a?b", "read:a#b", "read:a\\b", "read:é", "read:a\u2028b"})
    void parseWhenInvalidThenInvalidScopeException(String text) {
        assertThatThrownBy(() -> Scope.parse(text)).isInstanceOf(InvalidScopeException.class)
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("\n");
    }

    @Test
    void parseWhenMixedStarThenMessageSaysWholeSegment() {
        assertThatThrownBy(() -> Scope.parse("read:projects/4*")).hasMessageContaining("whole segment");
        assertThatThrownBy(() -> Scope.parse("read:a/**/b")).hasMessageContaining("last segment");
        assertThatThrownBy(() -> Scope.parse("delete:a")).hasMessageContaining("unknown scope action");
        assertThatThrownBy(() -> Scope.parse("read")).hasMessageContaining("action:filter");
        assertThatThrownBy(() -> Scope.parse("read:a//b")).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> Scope.parse("read:a b")).hasMessageContaining("whitespace");
    }

    @Test
    void parseWhenTooLongOrTooDeepThenRejected() {
        assertThat(Scope.parse("read:" + "a".repeat(507))).isNotNull();
        assertThatThrownBy(() -> Scope.parse("read:" + "a".repeat(508))).isInstanceOf(InvalidScopeException.class);
        String deep64 = String.join("/", java.util.Collections.nCopies(64, "a"));
        assertThat(ResourceFilter.parse(deep64)).isNotNull();
        assertThatThrownBy(() -> ResourceFilter.parse(deep64 + "/a")).hasMessageContaining("segments");
        assertThatThrownBy(() -> Scope.parse(null)).isInstanceOf(InvalidScopeException.class);
    }

    @Test
    void matchesWhenPathInvalidThenFalseNotException() {
        ResourceFilter all = ResourceFilter.parse("**");
        assertThat(all.matches("a/b")).isTrue();
        assertThat(all.matches("")).isFalse();
        assertThat(all.matches(null)).isFalse();
        assertThat(all.matches("a//b")).isFalse();
        assertThat(all.matches("a/*")).isFalse();
        assertThat(all.matches("a b")).isFalse();
        assertThat(ResourceFilter.parse("a/*").matches("a/*")).isFalse();
    }

    @Test
    void scopesParseWhenSpaceSeparatedThenOrderedDistinct() {
        Scopes scopes = Scopes.parse("  read:projects/**   write:projects/42/* read:projects/** ");
        assertThat(scopes.asSet()).containsExactly(Scope.parse("read:projects/**"), Scope.parse("write:projects/42/*"));
        assertThat(scopes.toString()).isEqualTo("read:projects/** write:projects/42/*");
        assertThat(Scopes.parse(scopes.toString())).isEqualTo(scopes);
        assertThat(scopes.allows("write", "projects/42/invoices")).isTrue();
        assertThat(scopes.allows("write", "projects/43/invoices")).isFalse();
        assertThat(scopes.covers(Scope.parse("read:projects/1/**"))).isTrue();
        assertThat(scopes.coversAll(Scopes.parse("read:projects/1 write:projects/42/x"))).isTrue();
        assertThat(scopes.coversAll(Scopes.parse("read:projects/1 admin:projects/42/x"))).isFalse();
    }

    @Test
    void scopesParseWhenBlankThenEmpty() {
        assertThat(Scopes.parse("").isEmpty()).isTrue();
        assertThat(Scopes.parse("   ").asSet()).isEmpty();
        assertThat(Scopes.parse("").toString()).isEmpty();
        assertThat(Scopes.parse("").allows("read", "x")).isFalse();
    }

    @Test
    void scopesParseWhenTooManyOrBadSeparatorThenRejected() {
        String hundred = String.join(" ", java.util.stream.IntStream.range(0, 100).mapToObj(i -> "read:p/" + i).toList());
        assertThat(Scopes.parse(hundred).asSet()).hasSize(100);
        assertThatThrownBy(() -> Scopes.parse(hundred + " read:p/x")).hasMessageContaining("more than 100");
        assertThatThrownBy(() -> Scopes.parse("read:a\tread:b")).isInstanceOf(InvalidScopeException.class);
        assertThatThrownBy(() -> Scopes.parse(null)).isInstanceOf(InvalidScopeException.class);
        assertThatThrownBy(() -> Scopes.of(List.of(Scope.parse("read:a"))).asSet().add(Scope.parse("read:b")))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
