package io.qmesh.xds.proxyless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.xds.XdsChannelCredentials;
import io.grpc.xds.XdsNameResolverProvider;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.AppProtocol;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.EndpointPort;
import io.qmesh.api.mesh.v1.HttpMatch;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import io.qmesh.api.mesh.v1.ServicePort;
import io.qmesh.api.mesh.v1.TrafficSplit;
import io.qmesh.api.mesh.v1.WeightedBackend;
import io.qmesh.xds.generate.GroupConfig;
import io.qmesh.xds.generate.PolicyIndex;
import io.qmesh.xds.generate.ProxyGroup;
import io.qmesh.xds.generate.ProxylessGenerator;
import io.qmesh.xds.generate.ProxylessReferences;
import io.qmesh.xds.generate.ResourceNames;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proxyless gRPC driven only by what {@link ProxylessGenerator} makes, checked by a data plane nobody
 * here wrote: grpc-java's xDS client and XdsServerBuilder, which validate every resource and NACK
 * what they cannot accept. Calls really flow over mTLS with SPIFFE identities, are denied by RBAC,
 * and are split by weight. Each workload gets its own bootstrap (grpc-java's per-test bootstrap
 * override), served by java-control-plane with one snapshot per node.
 */
class ProxylessGrpcIT {

    static final String TRUST_DOMAIN = "cluster.local";
    static final Identity BOOKBUYER = Identity.of("bookbuyer", "bookbuyer");
    static final Identity BOOKTHIEF = Identity.of("bookthief", "bookthief");
    static final Identity BOOKSTORE = Identity.of("bookstore", "bookstore");
    static final int SERVICE_PORT = 14002;
    static final MethodDescriptor<String, String> BUY = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("qmesh.demo.v1.Bookstore/BuyBook")
            .setRequestMarshaller(Utf8.INSTANCE).setResponseMarshaller(Utf8.INSTANCE).build();

    @TempDir
    static Path certs;
    static TestCertificates ca;
    static SimpleCache<String> cache;
    static Server controlPlane;
    static final List<Server> bookstores = new ArrayList<>();
    static final Map<String, AtomicLong> callsByVersion = new ConcurrentHashMap<>();
    static final Map<String, String> lastCaller = new ConcurrentHashMap<>();
    static int v1Port;
    static int v2Port;

    @BeforeAll
    static void startMesh() throws Exception {
        ca = new TestCertificates();
        cache = new SimpleCache<>(node -> node.getId());
        controlPlane = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl()).build().start();
        v1Port = freePort();
        v2Port = freePort();
        serve(permissive(false, 100, 0));
        bookstores.add(startBookstore("bookstore-v1", "v1", v1Port));
        bookstores.add(startBookstore("bookstore-v2", "v2", v2Port));
    }

    @AfterAll
    static void stopMesh() {
        bookstores.forEach(Server::shutdownNow);
        if (controlPlane != null) {
            controlPlane.shutdownNow();
        }
    }

    @Test
    void permissiveMode_anyMeshIdentityBuys_andTheServerSeesItsSpiffeId() throws Exception {
        serve(permissive(true, 100, 0));
        ManagedChannel thief = channel(BOOKTHIEF);
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> buy(thief).equals("v1"));
            assertThat(lastCaller.get("v1")).isEqualTo(BOOKTHIEF.spiffeId(TRUST_DOMAIN));
        } finally {
            thief.shutdownNow();
        }
    }

    @Test
    void trafficTarget_letsBookbuyerBuy_andDeniesBookthief() throws Exception {
        serve(permissive(false, 100, 0));
        ManagedChannel buyer = channel(BOOKBUYER);
        ManagedChannel thief = channel(BOOKTHIEF);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(thief) == Status.Code.PERMISSION_DENIED);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> buy(buyer).equals("v1"));
            assertThatThrownBy(() -> buy(thief)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        } finally {
            buyer.shutdownNow();
            thief.shutdownNow();
        }
    }

    @Test
    void trafficSplit_5050_spreadsCallsBetweenVersions_and0100_sendsAllToV2() throws Exception {
        ManagedChannel buyer = channel(BOOKBUYER);
        try {
            serve(permissive(false, 50, 50));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> buy(buyer).equals("v2"));
            Map<String, Integer> landed = new HashMap<>();
            for (int i = 0; i < 200; i++) {
                landed.merge(buy(buyer), 1, Integer::sum);
            }
            assertThat(landed.get("v1")).isBetween(80, 120);
            assertThat(landed.get("v2")).isBetween(80, 120);

            serve(permissive(false, 0, 100));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (int i = 0; i < 20; i++) {
                    if (!buy(buyer).equals("v2")) {
                        return false;
                    }
                }
                return true;
            });
        } finally {
            buyer.shutdownNow();
        }
    }

    @Test
    void generatedConfig_hasNoDanglingReferences() {
        MeshPolicy policy = permissive(false, 50, 50);
        PolicyIndex index = PolicyIndex.of(policy);
        for (ProxyGroup group : groups(index)) {
            GroupConfig config = ProxylessGenerator.generate(index, group);
            assertThat(ProxylessReferences.dangling(config)).as(group.key()).isEmpty();
        }
    }

    // --- the mesh: policy → snapshots per node ---------------------------------------------------

    static MeshPolicy permissive(boolean permissive, int v1Weight, int v2Weight) {
        MeshPolicy.Builder policy = MeshPolicy.newBuilder().setSettings(MeshSettings.newBuilder()
                .setMeshName("qmesh").setTrustDomain(TRUST_DOMAIN).setPermissiveTrafficPolicy(permissive));
        policy.addServices(service("bookstore")).addServices(service("bookstore-v1")).addServices(service("bookstore-v2"));
        policy.addEndpoints(endpoints("bookstore", endpoint("bookstore-v1", v1Port), endpoint("bookstore-v2", v2Port)));
        policy.addEndpoints(endpoints("bookstore-v1", endpoint("bookstore-v1", v1Port)));
        policy.addEndpoints(endpoints("bookstore-v2", endpoint("bookstore-v2", v2Port)));
        policy.addAllowRules(AllowRule.newBuilder()
                .setSource(ObjectRef.newBuilder().setNamespace("bookstore").setName("bookbuyer-to-bookstore"))
                .addSources(proto(BOOKBUYER)).setDestination(proto(BOOKSTORE))
                .addHttpMatches(HttpMatch.newBuilder().setName("bookstore-service-routes/buy-a-book")
                        .setPathRegex("/qmesh.demo.v1.Bookstore/BuyBook").addMethods("POST")));
        policy.addTrafficSplits(TrafficSplit.newBuilder()
                .setRef(ObjectRef.newBuilder().setNamespace("bookstore").setName("bookstore-split"))
                .setApexService(ref("bookstore"))
                .addBackends(WeightedBackend.newBuilder().setService(ref("bookstore-v1")).setWeight(v1Weight))
                .addBackends(WeightedBackend.newBuilder().setService(ref("bookstore-v2")).setWeight(v2Weight)));
        return policy.build();
    }

    /** Every workload's group: the bookstores from the policy, the buyers as client-only groups. */
    static List<ProxyGroup> groups(PolicyIndex index) {
        List<ProxyGroup> groups = new ArrayList<>(index.groups());
        groups.add(new ProxyGroup(BOOKBUYER, List.of(), List.of()));
        groups.add(new ProxyGroup(BOOKTHIEF, List.of(), List.of()));
        return groups;
    }

    static int version = 0;

    /** Sets every node's snapshot from the policy, as xds-service does for proxyless nodes. */
    static synchronized void serve(MeshPolicy policy) {
        PolicyIndex index = PolicyIndex.of(policy);
        version++;
        Map<String, ProxyGroup> byNode = new HashMap<>();
        for (ProxyGroup group : groups(index)) {
            if (group.services().isEmpty()) {
                byNode.put(group.identity().serviceAccount(), group);
            }
        }
        index.groupsByPod().forEach((pod, group) -> byNode.put(pod.name(), group));
        byNode.forEach((node, group) -> {
            GroupConfig config = ProxylessGenerator.generate(index, group);
            assertThat(ProxylessReferences.dangling(config)).isEmpty();
            cache.setSnapshot(node, Snapshot.create(config.clusters(), config.endpoints(), config.listeners(),
                    config.routes(), List.of(), "v" + version));
        });
    }

    static Service service(String name) {
        return Service.newBuilder().setRef(ref(name))
                .addPorts(ServicePort.newBuilder().setName("grpc").setPort(SERVICE_PORT).setTargetPort(SERVICE_PORT)
                        .setAppProtocol(AppProtocol.GRPC))
                .build();
    }

    static ServiceEndpoints endpoints(String service, Endpoint... endpoints) {
        return ServiceEndpoints.newBuilder().setService(ref(service)).addAllEndpoints(List.of(endpoints)).build();
    }

    static Endpoint endpoint(String pod, int port) {
        return Endpoint.newBuilder().setAddress("127.0.0.1").addPorts(EndpointPort.newBuilder().setName("grpc").setPort(port))
                .setPod(ref(pod)).setPodUid("uid-" + pod).setIdentity(proto(BOOKSTORE)).setReady(true).build();
    }

    static ObjectRef ref(String name) {
        return ObjectRef.newBuilder().setNamespace("bookstore").setName(name).build();
    }

    static io.qmesh.api.mesh.v1.Identity proto(Identity identity) {
        return io.qmesh.api.mesh.v1.Identity.newBuilder().setNamespace(identity.namespace())
                .setServiceAccount(identity.serviceAccount()).build();
    }

    // --- workloads: grpc-java with its own bootstrap each ------------------------------------------

    static Map<String, ?> bootstrap(String node, Identity identity) {
        TestCertificates.Files3 files = ca.issue(certs.resolve(node), identity.spiffeId(TRUST_DOMAIN));
        String json = """
                {"xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}],
                                  "server_features": ["xds_v3"]}],
                 "node": {"id": "%s", "metadata": {"qmesh.io/proxyless": "true"}},
                 "certificate_providers": {"%s": {"plugin_name": "file_watcher", "config": {
                     "certificate_file": "%s", "private_key_file": "%s", "ca_certificate_file": "%s",
                     "refresh_interval": "60s"}}},
                 "server_listener_resource_name_template": "%s"}
                """.formatted(controlPlane.getPort(), node, ResourceNames.PROXYLESS_CERTIFICATE_PROVIDER,
                files.certificate(), files.key(), files.trustBundle(), ResourceNames.PROXYLESS_SERVER_LISTENER_TEMPLATE);
        try {
            @SuppressWarnings("unchecked")
            Map<String, ?> parsed = (Map<String, ?>) io.grpc.internal.JsonParser.parse(json);
            return parsed;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Server startBookstore(String node, String version, int port) throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder("qmesh.demo.v1.Bookstore")
                .addMethod(BUY, ServerCalls.asyncUnaryCall((request, reply) -> {
                    callsByVersion.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
                    lastCaller.put(version, request);
                    reply.onNext(version);
                    reply.onCompleted();
                }))
                .build();
        return XdsServerBuilder.forPort(port, XdsServerCredentials.create(InsecureServerCredentials.create()))
                .overrideBootstrapForTest(bootstrap(node, BOOKSTORE))
                .addService(io.grpc.ServerInterceptors.intercept(service, new CallerSpiffeId()))
                .build().start();
    }

    /** A client channel of one identity: its own xDS scheme, so each identity keeps its own bootstrap. */
    static ManagedChannel channel(Identity identity) {
        String scheme = "xds-" + identity.serviceAccount();
        NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme,
                bootstrap(identity.serviceAccount(), identity)));
        return Grpc.newChannelBuilder(scheme + ":///bookstore.bookstore.svc.cluster.local:" + SERVICE_PORT,
                XdsChannelCredentials.create(InsecureChannelCredentials.create())).build();
    }

    static String buy(ManagedChannel channel) {
        return ClientCalls.blockingUnaryCall(channel, BUY, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "buy");
    }

    static Status.Code statusOf(ManagedChannel channel) {
        try {
            buy(channel);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The request body becomes the caller's SPIFFE ID as the server's TLS session saw it. */
    static final class CallerSpiffeId implements io.grpc.ServerInterceptor {
        @Override
        public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, io.grpc.Metadata headers,
                io.grpc.ServerCallHandler<Q, R> next) {
            javax.net.ssl.SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            String caller = spiffeId(session);
            io.grpc.ServerCall.Listener<Q> delegate = next.startCall(call, headers);
            return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
                @Override
                @SuppressWarnings("unchecked")
                public void onMessage(Q message) {
                    super.onMessage((Q) caller);
                }
            };
        }

        static String spiffeId(javax.net.ssl.SSLSession session) {
            try {
                var leaf = (java.security.cert.X509Certificate) session.getPeerCertificates()[0];
                return leaf.getSubjectAlternativeNames().stream().filter(n -> Integer.valueOf(6).equals(n.get(0)))
                        .map(n -> String.valueOf(n.get(1))).findFirst().orElse("none");
            } catch (Exception e) {
                return "no TLS peer: " + e;
            }
        }
    }

    enum Utf8 implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

}
