package dev.keymint.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module descriptor the build compiled, as a modular application sees it. Tests run on the
 * class path, where the descriptor is ignored, so the SDK's own output is loaded here a second
 * time as a named module in a layer of its own, with nimbus beside it.
 */
class ModuleBoundaryTest {

    private static final String MODULE = "dev.keymint.sdk";

    private static Path locationOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleFinder sdkAndNimbus() throws Exception {
        return ModuleFinder.of(locationOf(TokenVerifier.class), locationOf(JWSAlgorithm.class));
    }

    private static ModuleDescriptor descriptor() throws Exception {
        return sdkAndNimbus().find(MODULE).orElseThrow().descriptor();
    }

    @Test
    void onlyTheApiPackagesAreExportedAndInternalIsInTheModule() throws Exception {
        ModuleDescriptor module = descriptor();

        assertThat(module.exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.source()).isFalse());
        assertThat(module.exports().stream().map(Exports::source))
                .containsExactlyInAnyOrder(MODULE, MODULE + ".servlet", MODULE + ".spring");
        assertThat(module.packages()).contains(MODULE + ".internal");
        assertThat(module.opens()).isEmpty();
    }

    @Test
    void nimbusIsRequiredAndTheServletAndSpringAdaptersDependenciesAreOptional() throws Exception {
        Map<String, Set<Requires.Modifier>> requires = descriptor().requires().stream()
                .filter(r -> !r.name().equals("java.base"))
                .collect(Collectors.toMap(Requires::name, Requires::modifiers));

        assertThat(requires).containsOnlyKeys("com.nimbusds.jose.jwt", "jakarta.servlet", "spring.security.core",
                "spring.security.web", "spring.web", "spring.security.oauth2.jose", "spring.security.oauth2.resource.server");
        assertThat(requires).containsEntry("com.nimbusds.jose.jwt", Set.of());
        requires.forEach((name, modifiers) -> {
            if (!name.equals("com.nimbusds.jose.jwt")) {
                assertThat(modifiers).as(name).containsExactly(Requires.Modifier.STATIC);
            }
        });
    }

    @Test
    void aModularApplicationReachesTheApiButNotTheInternalClasses() throws Exception {
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(sdkAndNimbus(), ModuleFinder.of(), Set.of(MODULE));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
        Module sdk = layer.findModule(MODULE).orElseThrow();
        ClassLoader loader = layer.findLoader(MODULE);

        Class<?> scopes = loader.loadClass(MODULE + ".Scopes");
        assertThat(scopes.getMethod("parse", String.class).invoke(null, "read:a").toString()).isEqualTo("read:a");
        Class<?> reader = loader.loadClass(MODULE + ".internal.JsonObjectReader");
        assertThat(sdk.isExported(MODULE + ".internal")).isFalse();
        assertThatThrownBy(() -> reader.getMethod("parseObject", String.class).invoke(null, "{}"))
                .isInstanceOf(IllegalAccessException.class);
    }
}
