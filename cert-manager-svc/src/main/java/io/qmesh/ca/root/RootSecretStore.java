package io.qmesh.ca.root;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qmesh.ca.trust.RootSecretFormat;
import io.qmesh.ca.trust.RootSet;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The mesh root in its Secret. Create-if-absent: of two replicas creating at once, the API server
 * accepts one create and answers 409 to the other, which then reads the winner's root. A root that is
 * present is never replaced here except by {@link #replace} at the resourceVersion it was read at.
 */
public final class RootSecretStore {

    /** Set on the Secret by an operator to start a rotation now (value: anything, e.g. a date). */
    public static final String ROTATE_ANNOTATION = "qmesh.io/rotate-root";

    private static final Logger LOG = Logger.getLogger(RootSecretStore.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    /** A root set with the Secret version it was read from (for optimistic updates). */
    public record Stored(RootSet roots, String resourceVersion, boolean rotationRequested) {
    }

    public RootSecretStore(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    public String describe() {
        return "secret=" + namespace + "/" + name;
    }

    /** Reads the Secret; empty when absent. @throws IllegalArgumentException when it is unreadable */
    public Optional<Stored> read(Instant now) {
        return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get()).map(s -> decode(s, now));
    }

    /** Loads the root, creating it from {@code fresh} only when no Secret exists. */
    public Stored loadOrCreate(Supplier<RootSet> fresh, Instant now) {
        Optional<Stored> existing = read(now);
        if (existing.isPresent()) {
            LOG.infof("loaded mesh root %s serial=%s", describe(), existing.get().roots().issuing().serialHex());
            return existing.get();
        }
        RootSet created = fresh.get();
        try {
            Secret secret = client.secrets().inNamespace(namespace).resource(encode(created, null, Map.of())).create();
            LOG.infof("created mesh root %s serial=%s", describe(), created.issuing().serialHex());
            return new Stored(created, secret.getMetadata().getResourceVersion(), false);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            Stored winner = read(now).orElseThrow(() -> new IllegalStateException(
                    describe() + " answered 409 on create but is absent on read"));
            LOG.infof("another replica created the mesh root first; using it %s serial=%s", describe(),
                    winner.roots().issuing().serialHex());
            return winner;
        }
    }

    /**
     * Writes {@code next} if the Secret is still at {@code expected}'s version; clears the rotation request.
     *
     * @return the stored result, or empty when another replica changed the Secret first (re-read and retry)
     */
    public Optional<Stored> replace(Stored expected, RootSet next) {
        Secret current = client.secrets().inNamespace(namespace).withName(name).get();
        if (current == null || !expected.resourceVersion().equals(current.getMetadata().getResourceVersion())) {
            return Optional.empty();
        }
        Map<String, String> annotations = new TreeMap<>(current.getMetadata().getAnnotations() == null
                ? Map.of() : current.getMetadata().getAnnotations());
        annotations.remove(ROTATE_ANNOTATION);
        try {
            Secret written = client.secrets().inNamespace(namespace)
                    .resource(encode(next, expected.resourceVersion(), annotations)).update();
            return Optional.of(new Stored(next, written.getMetadata().getResourceVersion(), false));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return Optional.empty();
            }
            throw e;
        }
    }

    Stored decode(Secret secret, Instant now) {
        Map<String, String> data = new TreeMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> data.put(key,
                    new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII)));
        }
        if (secret.getStringData() != null) {
            data.putAll(secret.getStringData());
        }
        try {
            boolean requested = secret.getMetadata().getAnnotations() != null
                    && secret.getMetadata().getAnnotations().containsKey(ROTATE_ANNOTATION);
            return new Stored(RootSecretFormat.read(data, now), secret.getMetadata().getResourceVersion(), requested);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
        }
    }

    private Secret encode(RootSet roots, String resourceVersion, Map<String, String> annotations) {
        Map<String, String> data = new TreeMap<>();
        RootSecretFormat.write(roots).forEach((key, value) -> data.put(key,
                Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.US_ASCII))));
        return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .withResourceVersion(resourceVersion).withAnnotations(annotations)
                .addToLabels("app.kubernetes.io/part-of", "qmesh").addToLabels("app.kubernetes.io/component", "ca-root")
                .endMetadata().withType("kubernetes.io/tls").withData(data).build();
    }
}
