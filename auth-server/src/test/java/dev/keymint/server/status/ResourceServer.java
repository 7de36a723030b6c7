package dev.keymint.server.status;

import dev.keymint.sdk.Scope;
import dev.keymint.sdk.TokenVerifier;
import dev.keymint.sdk.servlet.BearerTokenFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.RemoteIpValve;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * A customer's API as the SDK's README shows it: an embedded Tomcat on 127.0.0.1 whose paths are
 * guarded by {@link BearerTokenFilter}s, each with its own {@link TokenVerifier}; behind the filter,
 * a servlet answers {@code hello <key id>}.
 */
final class ResourceServer implements AutoCloseable {

    private final Tomcat tomcat;
    private final Context context;

    private ResourceServer(Tomcat tomcat, Context context) {
        this.tomcat = tomcat;
        this.context = context;
    }

    static ResourceServer create() {
        try {
            Tomcat tomcat = new Tomcat();
            File dir = Files.createTempDirectory("keymint-resource-server").toFile();
            tomcat.setBaseDir(dir.getAbsolutePath());
            tomcat.setHostname("127.0.0.1");
            tomcat.setPort(0);
            tomcat.getConnector().setProperty("address", "127.0.0.1");
            Context context = tomcat.addContext("", dir.getAbsolutePath());
            Tomcat.addServlet(context, "hello", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().print("hello " + BearerTokenFilter.token(req).orElseThrow().clientId());
                }
            });
            context.addServletMapping("/*", "hello");
            return new ResourceServer(tomcat, context);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Guards {@code /<name>/*} with a filter using {@code verifier}. Before {@link #start()}. */
    ResourceServer guard(String name, TokenVerifier verifier) {
        return guard(name, BearerTokenFilter.of(verifier));
    }

    /** Guards {@code /<name>/*} with a filter using {@code verifier} and requiring {@code scope}. Before {@link #start()}. */
    ResourceServer guard(String name, TokenVerifier verifier, Scope scope) {
        return guard(name, BearerTokenFilter.requiring(verifier, scope));
    }

    /**
     * Believes {@code X-Forwarded-For} from 127.0.0.1 (Tomcat's {@code RemoteIpValve}), as an API
     * behind its own load balancer: a test then chooses the caller's address. Before {@link #start()}.
     */
    ResourceServer behindProxy() {
        context.getPipeline().addValve(new RemoteIpValve());
        return this;
    }

    /** A GET of {@code path} with {@code bearer}, from the caller at {@code callerAddress} (see {@link #behindProxy()}). */
    HttpRequest get(String path, String bearer, String callerAddress) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + path))
                .header("Authorization", "Bearer " + bearer).header("X-Forwarded-For", callerAddress).GET().build();
    }

    private ResourceServer guard(String name, BearerTokenFilter filter) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(filter);
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern("/" + name + "/*");
        context.addFilterMap(map);
        return this;
    }

    ResourceServer start() {
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** A GET of {@code path} with the token as a bearer token. */
    HttpRequest get(String path, String accessToken) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + path))
                .header("Authorization", "Bearer " + accessToken).GET().build();
    }

    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }
}
