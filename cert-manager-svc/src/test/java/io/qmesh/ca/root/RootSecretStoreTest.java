package io.qmesh.ca.root;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.qmesh.ca.trust.RootSet;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The root Secret against the fabric8 mock API server (CRUD mode), as two replicas see it. */
class RootSecretStoreTest {

    static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    final KubernetesServer server = new KubernetesServer(false, true, java.net.InetAddress.getLoopbackAddress(), 0, List.of());
    final RootFactory factory = new RootFactory("qmesh", Duration.ofDays(3650), new SecureRandom());

    @BeforeEach
    void start() {
        server.before();
    }

    @AfterEach
    void stop() {
        server.after();
    }

    @Test
    void twoReplicasStartingAtOnce_endWithExactlyOneRoot() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RootSecretStore.Stored>> results = new ArrayList<>();
        for (int replica = 0; replica < 2; replica++) {
            KubernetesClient client = server.getKubernetesMockServer().createClient();
            RootSecretStore store = new RootSecretStore(client, "qmesh-system", "qmesh-ca-root");
            results.add(pool.submit(() -> {
                go.await();
                return store.loadOrCreate(() -> RootSet.of(factory.issuing(NOW)), NOW);
            }));
        }
        go.countDown();
        RootSet first = results.get(0).get().roots();
        RootSet second = results.get(1).get().roots();
        pool.shutdown();

        assertThat(first.issuing().certificate()).isEqualTo(second.issuing().certificate());
        assertThat(server.getClient().secrets().inNamespace("qmesh-system").list().getItems()).hasSize(1);
    }

    @Test
    void laterStart_loadsTheStoredRoot_neverMakesANewOne() {
        RootSecretStore store = new RootSecretStore(server.getClient(), "qmesh-system", "qmesh-ca-root");
        RootSet created = store.loadOrCreate(() -> RootSet.of(factory.issuing(NOW)), NOW).roots();

        RootSet reloaded = new RootSecretStore(server.getKubernetesMockServer().createClient(), "qmesh-system", "qmesh-ca-root")
                .loadOrCreate(() -> { throw new AssertionError("must not create a second root"); }, NOW).roots();

        assertThat(reloaded.issuing().certificate()).isEqualTo(created.issuing().certificate());
        assertThat(reloaded.issuing().key().getEncoded()).isEqualTo(created.issuing().key().getEncoded());
    }

    @Test
    void replace_atAStaleVersion_writesNothing() {
        RootSecretStore store = new RootSecretStore(server.getClient(), "qmesh-system", "qmesh-ca-root");
        RootSecretStore.Stored stored = store.loadOrCreate(() -> RootSet.of(factory.issuing(NOW)), NOW);
        var fresh = factory.issuing(NOW);
        RootSet rotating = stored.roots().beginRotation(fresh.certificate(), fresh.key(), NOW);
        assertThat(store.replace(stored, rotating)).isPresent();

        assertThat(store.replace(stored, rotating)).as("second write at the old resourceVersion").isEmpty();
        assertThat(store.read(NOW).orElseThrow().roots().phase()).isEqualTo(RootSet.Phase.NEW_ROOT_TRUSTED);
    }
}
