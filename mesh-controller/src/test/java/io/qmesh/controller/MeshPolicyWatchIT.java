package io.qmesh.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.crd.smi.TrafficSplit;
import io.qmesh.api.mesh.PolicyDelta;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshPolicyServiceGrpc;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;
import io.qmesh.api.mesh.v1.WatchRequest;
import io.qmesh.controller.compile.CompilerConfig;
import io.qmesh.controller.compile.MeshInputs;
import io.qmesh.controller.compile.PolicyCompiler;
import io.qmesh.controller.compile.ResourceKind;
import io.qmesh.testing.GoldenFiles;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The controller against the fabric8 mock API server: YAML applied with the Kubernetes client comes
 * out of the Watch stream as the policy the pure compiler makes of the same state.
 */
@QuarkusTest
@WithKubernetesTestServer
class MeshPolicyWatchIT {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    @KubernetesTestServer
    KubernetesServer server;

    @TestHTTPResource("/")
    URL app;

    final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    /** A Watch stream as xds-service opens it; updates land in a queue, applied in order. */
    final class Stream implements StreamObserver<MeshPolicyUpdate> {
        final LinkedBlockingQueue<MeshPolicyUpdate> updates = new LinkedBlockingQueue<>();
        MeshPolicy holds;
        String version = "";

        Stream(String subscriber, String lastVersion) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", app.getPort()).usePlaintext().build();
            channels.add(channel);
            MeshPolicyServiceGrpc.newStub(channel).watch(WatchRequest.newBuilder()
                    .setSubscriber(subscriber).setLastVersion(lastVersion).build(), this);
        }

        MeshPolicyUpdate next() throws InterruptedException {
            MeshPolicyUpdate u = updates.poll(30, TimeUnit.SECONDS);
            assertThat(u).as("an update within 30 s").isNotNull();
            holds = u.hasFull() ? u.getFull() : PolicyDelta.apply(holds, u.getDelta());
            version = u.getVersion();
            assertThat(PolicyVersion.of(holds)).as("version of the applied policy").isEqualTo(u.getVersion());
            return u;
        }

        @Override
        public void onNext(MeshPolicyUpdate value) {
            updates.add(value);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }

    void apply(String file) {
        KubernetesClient client = server.getClient();
        for (HasMetadata o : KubeYaml.read(GoldenFiles.read(GOLDEN.resolve(file)))) {
            o.getMetadata().setCreationTimestamp(null);
            client.resource(o).createOr(op -> op.update());
        }
    }

    /** A controller "restart": a fresh compiler over what the API server holds now. */
    String freshCompileVersion() {
        KubernetesClient client = server.getClient();
        MeshInputs.Builder inputs = new MeshInputs.Builder()
                .addAll(client.namespaces().list().getItems())
                .addAll(client.services().inAnyNamespace().list().getItems())
                .addAll(client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems())
                .addAll(client.pods().inAnyNamespace().list().getItems())
                .addAll(client.serviceAccounts().inAnyNamespace().list().getItems());
        for (ResourceKind kind : ResourceKind.values()) {
            inputs.addAll(client.resources(kind.type()).inAnyNamespace().list().getItems());
        }
        return new PolicyCompiler(CompilerConfig.defaults()).compile(inputs.build()).version();
    }

    static io.qmesh.api.mesh.v1.TrafficSplit split(MeshPolicy policy) {
        return policy.getTrafficSplitsList().stream().filter(s -> s.getRef().getName().equals("bookstore-split"))
                .findFirst().orElseThrow(() -> new AssertionError("no bookstore-split in the policy"));
    }

    @Test
    void watch_appliedYaml_streamsPolicy_splitChangeIsADelta_resubscribeWithLastVersionGetsNothingNew() throws Exception {
        apply("cluster.yaml");
        apply("split/input.yaml");
        Stream stream = new Stream("xds-service/xds-0", "");

        assertThat(stream.next().hasFull()).as("first update is the full policy").isTrue();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            while (!stream.updates.isEmpty()) {
                stream.next();
            }
            assertThat(stream.version).isEqualTo(freshCompileVersion());
            assertThat(split(stream.holds).getBackendsList()).extracting(b -> b.getWeight()).containsExactly(75, 25);
        });
        String before = stream.version;

        server.getClient().resources(TrafficSplit.class).inNamespace("bookstore").withName("bookstore-split")
                .edit(ts -> {
                    ts.getSpec().backends.get(0).weight = 10;
                    ts.getSpec().backends.get(1).weight = 90;
                    return ts;
                });
        MeshPolicyUpdate change = stream.next();

        assertThat(change.hasDelta()).as("a split change is sent as a delta").isTrue();
        assertThat(change.getDelta().getBaseVersion()).isEqualTo(before);
        assertThat(change.getVersion()).isNotEqualTo(before);
        assertThat(change.getDelta().getUpsertsList()).allSatisfy(e -> assertThat(e.hasTrafficSplit()).isTrue());
        assertThat(split(stream.holds).getBackendsList()).extracting(b -> b.getWeight()).containsExactlyInAnyOrder(10, 90);
        String last = change.getVersion();

        assertThat(freshCompileVersion()).as("a restarted controller computes the same version").isEqualTo(last);
        Stream resumed = new Stream("xds-service/xds-1", last);
        server.getClient().serviceAccounts().inNamespace("bookbuyer")
                .resource(new ServiceAccountBuilder().withNewMetadata().withName("late-joiner").endMetadata().build()).create();
        MeshPolicyUpdate first = resumed.updates.poll(30, TimeUnit.SECONDS);

        assertThat(first).isNotNull();
        assertThat(first.hasDelta()).as("nothing was sent for the version it held; the first update builds on it").isTrue();
        assertThat(first.getDelta().getBaseVersion()).isEqualTo(last);
    }
}
