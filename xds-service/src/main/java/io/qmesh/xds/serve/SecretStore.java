package io.qmesh.xds.serve;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.qmesh.api.Identity;
import io.qmesh.xds.generate.SecretBuilder;
import io.qmesh.xds.generate.WorkloadCertificate;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Workload certificates (one per identity, with the key xds-service generated) and the trust
 * bundle, as cert-manager-svc issued and published them. Changes are announced to listeners: a
 * renewed certificate reaches its identity's groups, a new trust bundle every group.
 */
@ApplicationScoped
public class SecretStore {

    /** Which identities changed; empty means all (the trust bundle). */
    public record Change(Optional<Identity> identity) {
    }

    private final Map<Identity, WorkloadCertificate> certificates = new ConcurrentHashMap<>();
    private volatile String trustBundlePem = "";
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

    public List<Secret> secretsFor(Identity identity, String trustDomain) {
        return SecretBuilder.build(identity, certificates.get(identity), trustBundlePem, trustDomain);
    }

    public Optional<WorkloadCertificate> certificate(Identity identity) {
        return Optional.ofNullable(certificates.get(identity));
    }

    public void putCertificate(Identity identity, WorkloadCertificate certificate) {
        certificates.put(identity, certificate);
        listeners.forEach(l -> l.accept(new Change(Optional.of(identity))));
    }

    public void putTrustBundle(String pem) {
        if (!pem.equals(trustBundlePem)) {
            trustBundlePem = pem;
            listeners.forEach(l -> l.accept(new Change(Optional.empty())));
        }
    }

    public String trustBundle() {
        return trustBundlePem;
    }

    public void onChange(Consumer<Change> listener) {
        listeners.add(listener);
    }
}
