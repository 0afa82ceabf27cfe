package io.qmesh.demo;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How one demo process is started: {@code --role=bookstore --version=v1 --identity=bookstore/bookstore ...}.
 * Every option can also come from the environment ({@code --grpc-port} from {@code GRPC_PORT}).
 *
 * @param role           bookbuyer, bookthief, bookstore or bookwarehouse
 * @param version        the bookstore version it reports (v1, v2)
 * @param identity       namespace/serviceaccount this process runs as
 * @param httpPort       HTTP for Envoy sidecars and the counters page (14001 in a cluster)
 * @param grpcPort       gRPC server port (bookstore, bookwarehouse)
 * @param bookstore      what buyers call: {@code xds:///bookstore.bookstore.svc.cluster.local:14001}
 *                       (proxyless), {@code host:port} (plain gRPC) or {@code http://host:port} (through a sidecar)
 * @param warehouse      what the bookstore restocks from, same forms
 * @param xdsServer      serve gRPC through grpc-xds (XdsServerBuilder): security and RBAC from xds-service
 * @param intervalMillis pause between a buyer's purchases
 */
public record DemoConfig(String role, String version, String identity, int httpPort, int grpcPort,
        String bookstore, String warehouse, boolean xdsServer, long intervalMillis) {

    public static DemoConfig parse(String[] args, Map<String, String> env) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --option=value, got '" + arg + "'");
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        String role = option(options, env, "role", null);
        if (role == null || !role.matches("bookbuyer|bookthief|bookstore|bookwarehouse")) {
            throw new IllegalArgumentException("--role must be bookbuyer, bookthief, bookstore or bookwarehouse, got " + role);
        }
        return new DemoConfig(role,
                option(options, env, "version", "v1"),
                option(options, env, "identity", role + "/" + role),
                Integer.parseInt(option(options, env, "http-port", "14001")),
                Integer.parseInt(option(options, env, "grpc-port", "0")),
                option(options, env, "bookstore", null),
                option(options, env, "warehouse", null),
                Boolean.parseBoolean(option(options, env, "xds-server", "false")),
                Long.parseLong(option(options, env, "interval-millis", "500")));
    }

    public boolean isBuyer() {
        return role.equals("bookbuyer") || role.equals("bookthief");
    }

    private static String option(Map<String, String> options, Map<String, String> env, String name, String fallback) {
        String value = options.get(name);
        if (value == null) {
            value = env.get(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        return value == null ? fallback : value;
    }
}
