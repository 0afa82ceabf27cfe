package io.qmesh.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.qmesh.api.crd.MeshResource;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.crd.smi.TrafficTarget;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `policy check` on mesh-controller's golden scenarios, loaded into the mock API server: the verdict
 * and the deciding rule for allowed and denied pairs, computed by the controller's own compiler.
 */
@EnableKubernetesMockClient(crud = true)
class PolicyCheckCommandTest {

    static final Path GOLDEN = Path.of("..", "mesh-controller", "src", "test", "resources", "golden");
    static final List<Class<? extends MeshResource<?>>> KINDS = List.of(MeshConfig.class, TrafficTarget.class, HTTPRouteGroup.class);

    KubernetesClient client;

    void load(String scenario) throws Exception {
        for (Path file : List.of(GOLDEN.resolve("cluster.yaml"), GOLDEN.resolve(scenario).resolve("input.yaml"))) {
            try (InputStream in = Files.newInputStream(file)) {
                for (HasMetadata object : client.load(in).items()) {
                    create(object);
                }
            }
        }
        client.pods().inNamespace("bookthief").resource(new PodBuilder().withNewMetadata().withName("bookthief-0")
                .withNamespace("bookthief").endMetadata().withNewSpec().withServiceAccountName("bookthief")
                .addNewContainer().withName("bookthief").withImage("qmesh/bookthief").endContainer().endSpec().build()).create();
    }

    private void create(HasMetadata object) {
        if (object instanceof GenericKubernetesResource generic) {
            KINDS.stream().filter(k -> HasMetadata.getKind(k).equals(generic.getKind())).findFirst().ifPresent(kind ->
                    client.resource(client.getKubernetesSerialization().convertValue(generic, kind)).create());
            return;
        }
        client.resource(object).create();
    }

    QmeshctlRun check(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "policy";
        all[1] = "check";
        System.arraycopy(args, 0, all, 2, args.length);
        return QmeshctlRun.run(() -> client, all);
    }

    @Test
    void smi_bookbuyerOnAllowedRoute_isAllowedNamingTrafficTargetAndRoute() throws Exception {
        load("smi-http-allow-deny");

        QmeshctlRun run = check("bookbuyer/bookbuyer-0", "bookstore/bookstore", "--path", "/buy-a-book/new", "--method", "GET");

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("verdict: allow").contains("rule: bookstore/bookstore")
                .contains("match: bookstore-service-routes/buy-a-book");
    }

    @Test
    void smi_bookthief_isDeniedSayingNoTrafficTargetAllowsIt() throws Exception {
        load("smi-http-allow-deny");

        QmeshctlRun run = check("bookthief/bookthief-0", "bookstore.bookstore", "--path", "/buy-a-book/new", "--method", "GET");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DENIED);
        assertThat(run.out()).contains("verdict: deny")
                .contains("no TrafficTarget allows identity bookthief/bookthief to reach bookstore/bookstore");
    }

    @Test
    void smi_bookbuyerOnOtherPath_isDeniedListingTheRoutesItMayUse() throws Exception {
        load("smi-http-allow-deny");

        QmeshctlRun run = check("bookbuyer/bookbuyer-0", "bookstore/bookstore", "--path", "/admin", "--method", "DELETE", "-o", "json");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DENIED);
        assertThat(run.out()).contains("\"verdict\" : \"deny\"")
                .contains("TrafficTarget bookstore/bookstore allows identity bookbuyer/bookbuyer to reach bookstore/bookstore, but no route match allows DELETE /admin");
    }

    @Test
    void permissive_anyEnrolledPod_isAllowedByPermissiveMode() throws Exception {
        load("permissive");

        QmeshctlRun run = check("bookthief/bookthief-0", "bookstore/bookstore");

        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("verdict: allow").contains("permissive traffic policy mode");
    }

    @Test
    void serviceWithSeveralPorts_withoutPort_isAUsageErrorListingThem() throws Exception {
        load("permissive");

        QmeshctlRun run = check("bookbuyer/bookbuyer-0", "bookstore/bookstore:9999");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("has no port 9999");
    }

    @Test
    void missingPod_isNotFound() throws Exception {
        load("permissive");

        QmeshctlRun run = check("bookbuyer/nobody", "bookstore/bookstore");

        assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(run.err()).contains("pod bookbuyer/nobody not found");
    }
}
