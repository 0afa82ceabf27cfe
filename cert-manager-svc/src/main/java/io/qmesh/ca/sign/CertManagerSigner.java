package io.qmesh.ca.sign;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.qmesh.ca.config.CaConfig;
import io.qmesh.ca.issue.LeafSubject;
import io.qmesh.ca.issue.Pem;
import io.qmesh.ca.trust.Bundle;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Hands signing to cert-manager: creates a {@code cert-manager.io/v1} CertificateRequest for the
 * caller's CSR against the configured issuer, waits until it is Ready (or Denied/Failed), checks the
 * returned leaf carries exactly the subject the CA decided and the CSR's key, then deletes the request.
 * cert-manager copies SANs from the CSR, so callers must put the SPIFFE URI (or DNS names) in the CSR.
 * The bundle is cert-manager's {@code status.ca}.
 */
public final class CertManagerSigner implements Signer {

    public static final String API_VERSION = "cert-manager.io/v1";
    public static final String KIND = "CertificateRequest";
    /** cert-manager's CRD is not known to the client: name its resource explicitly (no discovery needed). */
    public static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext CONTEXT =
            new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder().withGroup("cert-manager.io")
                    .withVersion("v1").withKind(KIND).withPlural("certificaterequests").withNamespaced(true).build();
    private static final Logger LOG = Logger.getLogger(CertManagerSigner.class);

    private final KubernetesClient client;
    private final String namespace;
    private final CaConfig.CertManager config;
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<Bundle> bundle = new AtomicReference<>(Bundle.EMPTY);
    private final List<Consumer<Bundle>> listeners = new CopyOnWriteArrayList<>();

    public CertManagerSigner(KubernetesClient client, String namespace, CaConfig.CertManager config) {
        this.client = client;
        this.namespace = namespace;
        this.config = config;
    }

    @Override
    public String name() {
        return "cert-manager";
    }

    @Override
    public Optional<String> notReady() {
        return Optional.empty();
    }

    @Override
    public SignedLeaf sign(LeafRequest request) throws SignerUnavailable {
        String name = "qmesh-" + request.subject().kind().label() + "-" + HexFormat.of().formatHex(bytes(6));
        String where = "certificaterequest=" + namespace + "/" + name;
        try {
            requests().resource(build(name, request)).create();
            GenericKubernetesResource done = requests().withName(name)
                    .waitUntilCondition(cr -> cr != null && (condition(cr, "Ready", "True") || failed(cr)),
                            config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (failed(done)) {
                throw new SignerUnavailable(where + " was not signed by issuer " + config.issuerName() + ": " + message(done));
            }
            Map<String, Object> status = map(done.getAdditionalProperties().get("status"));
            List<X509Certificate> chain = Pem.parseCertificates(decode(status.get("certificate"), where + " status.certificate"));
            if (chain.isEmpty()) {
                throw new SignerUnavailable(where + " status.certificate holds no certificate");
            }
            String problem = mismatch(chain.get(0), request);
            if (problem != null) {
                throw new SignerUnavailable(where + ": " + problem);
            }
            if (status.get("ca") != null) {
                updateBundle(Pem.parseCertificates(decode(status.get("ca"), where + " status.ca")));
            }
            return new SignedLeaf(chain.get(0), chain.subList(1, chain.size()));
        } catch (KubernetesClientException e) {
            throw new SignerUnavailable(where + " failed: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new SignerUnavailable(where + ": " + e.getMessage());
        } finally {
            try {
                requests().withName(name).delete();
            } catch (KubernetesClientException e) {
                LOG.warnf("cannot delete %s: %s", where, e.getMessage());
            }
        }
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> requests() {
        return client.genericKubernetesResources(CONTEXT).inNamespace(namespace);
    }

    private GenericKubernetesResource build(String name, LeafRequest request) {
        List<String> usages = new ArrayList<>(List.of("digital signature", "server auth", "client auth"));
        if (request.publicKey().getAlgorithm().startsWith("RSA")) {
            usages.add(1, "key encipherment");
        }
        long seconds = java.time.Duration.between(request.validity().notBefore(), request.validity().notAfter())
                .minus(io.qmesh.ca.issue.Validity.CLOCK_SKEW).toSeconds();
        return new GenericKubernetesResourceBuilder().withApiVersion(API_VERSION).withKind(KIND)
                .withNewMetadata().withNamespace(namespace).withName(name)
                .addToLabels("app.kubernetes.io/part-of", "qmesh").addToLabels("qmesh.io/certificate-kind", request.subject().kind().label())
                .endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "request", Base64.getEncoder().encodeToString(request.csrPem().getBytes(StandardCharsets.US_ASCII)),
                        "issuerRef", Map.of("name", config.issuerName(), "kind", config.issuerKind(), "group", config.issuerGroup()),
                        "duration", seconds + "s",
                        "usages", usages,
                        "isCA", false))
                .build();
    }

    static String mismatch(X509Certificate leaf, LeafRequest request) {
        if (!leaf.getPublicKey().equals(request.publicKey())
                && !java.util.Arrays.equals(leaf.getPublicKey().getEncoded(), request.publicKey().getEncoded())) {
            return "signed certificate does not carry the CSR's public key";
        }
        LeafSubject subject = request.subject();
        TreeSet<String> uris = new TreeSet<>();
        TreeSet<String> dns = new TreeSet<>();
        try {
            var names = leaf.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    int tag = (Integer) name.get(0);
                    (tag == 6 ? uris : tag == 2 ? dns : new TreeSet<String>()).add(String.valueOf(name.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            return "signed certificate's SANs are unreadable: " + e.getMessage();
        }
        boolean ok = subject.kind().spiffe() ? uris.equals(new TreeSet<>(List.of(subject.spiffeId()))) && dns.isEmpty()
                : uris.isEmpty() && dns.equals(new TreeSet<>(subject.dnsNames()));
        return ok ? null : "signed certificate carries URIs " + uris + " DNS " + dns + " but the CA decided "
                + subject.describe() + " (put exactly these SANs in the CSR when cert-manager signs)";
    }

    private void updateBundle(List<X509Certificate> roots) {
        Bundle next = new Bundle(roots, "");
        Bundle previous = bundle.getAndSet(next);
        if (!previous.version().equals(next.version())) {
            LOG.infof("cert-manager issuer=%s/%s trust bundle=%s", namespace, config.issuerName(), next.version().substring(0, 12));
            listeners.forEach(listener -> listener.accept(next));
        }
    }

    private static boolean failed(GenericKubernetesResource cr) {
        return condition(cr, "Denied", "True") || condition(cr, "InvalidRequest", "True")
                || (condition(cr, "Ready", "False") && List.of("Failed", "Denied").contains(reason(cr, "Ready")));
    }

    private static boolean condition(GenericKubernetesResource cr, String type, String value) {
        return conditions(cr).stream().anyMatch(c -> type.equals(c.get("type")) && value.equals(c.get("status")));
    }

    private static String reason(GenericKubernetesResource cr, String type) {
        return conditions(cr).stream().filter(c -> type.equals(c.get("type"))).map(c -> String.valueOf(c.get("reason")))
                .findFirst().orElse("");
    }

    private static String message(GenericKubernetesResource cr) {
        return conditions(cr).stream().map(c -> c.get("type") + "=" + c.get("status") + " " + c.get("reason") + ": " + c.get("message"))
                .toList().toString();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> conditions(GenericKubernetesResource cr) {
        Object conditions = map(cr.getAdditionalProperties().get("status")).get("conditions");
        return conditions instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String decode(Object value, String field) {
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return new String(Base64.getDecoder().decode(text), StandardCharsets.US_ASCII);
    }

    private byte[] bytes(int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }

    @Override
    public Bundle bundle() {
        return bundle.get();
    }

    @Override
    public void onBundleChange(Consumer<Bundle> listener) {
        listeners.add(listener);
    }
}
