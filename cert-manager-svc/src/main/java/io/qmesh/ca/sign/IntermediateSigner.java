package io.qmesh.ca.sign;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.qmesh.ca.issue.Certificates;
import io.qmesh.ca.issue.Issuer;
import io.qmesh.ca.issue.Pem;
import io.qmesh.ca.issue.Serials;
import io.qmesh.ca.trust.Bundle;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Signs with a user's intermediate CA from a kubernetes.io/tls Secret: {@code tls.crt} the intermediate
 * followed by its chain up to the user's root, {@code tls.key} its key, {@code ca.crt} the user's root
 * (the trust bundle; default: the last certificate of tls.crt). Leaves are served with the chain.
 */
public final class IntermediateSigner implements Signer {

    private static final Logger LOG = Logger.getLogger(IntermediateSigner.class);

    private final String describe;
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<Loaded> loaded = new AtomicReference<>();
    private final AtomicReference<String> problem = new AtomicReference<>("not loaded yet");
    private final List<Consumer<Bundle>> listeners = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<Secret> informer;

    private record Loaded(Issuer issuer, Bundle bundle) {
    }

    public IntermediateSigner(String namespace, String name) {
        this.describe = "secret=" + namespace + "/" + name;
    }

    public void start(KubernetesClient client, String namespace, String name) {
        informer = client.secrets().inNamespace(namespace).withName(name).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret secret) {
                load(secret);
            }

            @Override
            public void onUpdate(Secret old, Secret secret) {
                load(secret);
            }

            @Override
            public void onDelete(Secret secret, boolean unknownFinalState) {
                LOG.errorf("intermediate CA %s deleted; keeping the intermediate held", describe);
            }
        }, 0);
    }

    public void stop() {
        if (informer != null) {
            informer.close();
        }
    }

    void load(Secret secret) {
        try {
            List<X509Certificate> chain = Pem.parseCertificates(field(secret, "tls.crt"));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("data.tls.crt holds no certificate");
            }
            X509Certificate intermediate = chain.get(0);
            if (intermediate.getBasicConstraints() < 0) {
                throw new IllegalArgumentException("data.tls.crt first certificate " + intermediate.getSubjectX500Principal()
                        + " is not a CA (basicConstraints)");
            }
            String caPem = secret.getData() != null && secret.getData().containsKey("ca.crt") ? field(secret, "ca.crt") : null;
            List<X509Certificate> roots = caPem == null ? List.of(chain.get(chain.size() - 1)) : Pem.parseCertificates(caPem);
            Issuer issuer = new Issuer(Pem.parsePrivateKey(field(secret, "tls.key")), intermediate, chain);
            Certificates.checkKeyMatches(issuer);
            Loaded next = new Loaded(issuer, new Bundle(roots, ""));
            loaded.set(next);
            problem.set(null);
            LOG.infof("intermediate CA loaded %s subject=%s", describe, intermediate.getSubjectX500Principal());
            listeners.forEach(listener -> listener.accept(next.bundle()));
        } catch (IllegalArgumentException e) {
            problem.set(describe + ": " + e.getMessage());
            LOG.errorf("intermediate CA %s unusable: %s", describe, e.getMessage());
        }
    }

    private String field(Secret secret, String key) {
        String value = secret.getData() == null ? null : secret.getData().get(key);
        if (value == null) {
            throw new IllegalArgumentException("data." + key + " is missing");
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
    }

    @Override
    public String name() {
        return "intermediate";
    }

    @Override
    public Optional<String> notReady() {
        return loaded.get() == null ? Optional.of(problem.get()) : Optional.empty();
    }

    @Override
    public SignedLeaf sign(LeafRequest request) throws SignerUnavailable {
        Loaded current = loaded.get();
        if (current == null) {
            throw new SignerUnavailable("intermediate CA not loaded: " + problem.get());
        }
        return new SignedLeaf(Certificates.leaf(request.subject(), request.publicKey(), current.issuer(), request.validity(),
                Serials.random128(random)), current.issuer().chain());
    }

    @Override
    public Bundle bundle() {
        Loaded current = loaded.get();
        return current == null ? Bundle.EMPTY : current.bundle();
    }

    @Override
    public void onBundleChange(Consumer<Bundle> listener) {
        listeners.add(listener);
    }
}
