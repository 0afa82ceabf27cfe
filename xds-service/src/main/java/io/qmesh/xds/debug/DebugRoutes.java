package io.qmesh.xds.debug;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The read-only debug endpoints on the HTTP port (9091, beside {@code /q/health} and
 * {@code /q/metrics}), as Vert.x routes: JSON that an operator curls and qmeshctl reads.
 * Documented with their formats in xds-service's README. Switched off with
 * {@code qmesh.xds.debug.enabled=false}.
 */
@ApplicationScoped
public class DebugRoutes {

    public static final String BASE = "/debug/xds";
    static final int DEFAULT_WINDOW_MINUTES = 5;

    private static final Logger LOG = Logger.getLogger(DebugRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final XdsDebug debug;
    private final boolean enabled;

    DebugRoutes(XdsDebug debug, @ConfigProperty(name = "qmesh.xds.debug.enabled", defaultValue = "true") boolean enabled) {
        this.debug = debug;
        this.enabled = enabled;
    }

    void register(@Observes Router router) {
        if (!enabled) {
            return;
        }
        router.get(BASE).handler(ctx -> respond(ctx, () -> Map.of("endpoints", List.of(
                BASE + "/status?minutes=" + DEFAULT_WINDOW_MINUTES,
                BASE + "/proxies[?proxy=<namespace>/<pod>]",
                BASE + "/config?proxy=<namespace>/<pod>|group=<key>[&type=listeners,routes,clusters,endpoints,secrets]"))));
        router.get(BASE + "/status").blockingHandler(ctx -> respond(ctx, () -> debug.status(minutes(ctx))), false);
        router.get(BASE + "/proxies").blockingHandler(ctx -> respond(ctx, () -> debug.proxies(param(ctx, "proxy"))), false);
        router.get(BASE + "/config").blockingHandler(ctx -> respond(ctx, () -> debug.config(param(ctx, "proxy"),
                param(ctx, "group"), kinds(ctx))), false);
    }

    private static void respond(RoutingContext ctx, Supplier<Object> view) {
        int status = 200;
        Object body;
        try {
            body = view.get();
        } catch (XdsDebug.DebugException e) {
            status = e.status;
            body = Map.of("error", e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "debug endpoint %s failed", ctx.request().uri());
            status = 500;
            body = Map.of("error", String.valueOf(e.getMessage()));
        }
        String text;
        try {
            text = JSON.writeValueAsString(body) + "\n";
        } catch (JsonProcessingException e) {
            LOG.errorf(e, "debug endpoint %s: cannot write JSON", ctx.request().uri());
            status = 500;
            text = "{\"error\": \"cannot write JSON\"}\n";
        }
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(text);
    }

    private static Optional<String> param(RoutingContext ctx, String name) {
        return Optional.ofNullable(ctx.request().getParam(name)).filter(v -> !v.isBlank());
    }

    private static int minutes(RoutingContext ctx) {
        Optional<String> given = param(ctx, "minutes");
        try {
            int minutes = given.map(Integer::parseInt).orElse(DEFAULT_WINDOW_MINUTES);
            if (minutes >= 1 && minutes <= 60) {
                return minutes;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new XdsDebug.DebugException(400, "minutes=" + given.orElse("") + " is not a number from 1 to 60 "
                + "(NACKs are kept for an hour)");
    }

    /** {@code type=clusters,routes} or repeated {@code type=}; every kind when absent. */
    private static List<XdsKind> kinds(RoutingContext ctx) {
        List<String> given = ctx.queryParam("type");
        if (given.isEmpty()) {
            return List.of(XdsKind.values());
        }
        List<XdsKind> kinds = new ArrayList<>();
        for (String value : given) {
            for (String name : value.split(",")) {
                XdsKind kind = XdsKind.parse(name).orElseThrow(() -> new XdsDebug.DebugException(400, "type=" + name
                        + " is not one of listeners, routes, clusters, endpoints, secrets (or lds, rds, cds, eds, sds)"));
                if (!kinds.contains(kind)) {
                    kinds.add(kind);
                }
            }
        }
        kinds.sort(null);
        return kinds;
    }
}
