package io.qmesh.ca.sign;

import io.qmesh.ca.issue.LeafSubject;
import io.qmesh.ca.issue.Validity;
import io.qmesh.ca.trust.Bundle;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What signs the leaves: the built-in root, a user's intermediate, or cert-manager. The CA has
 * checked the caller, the CSR and the subject before it asks.
 */
public interface Signer {

    /** The {@code signer} label of {@code qmesh_ca_certificates_issued_total}. */
    String name();

    /** Why it cannot sign yet (e.g. root not loaded), or empty when ready. */
    Optional<String> notReady();

    /** @throws SignerUnavailable when the signer cannot sign now; the caller may retry */
    SignedLeaf sign(LeafRequest request) throws SignerUnavailable;

    /** The roots callers must trust for what this signer issues. */
    Bundle bundle();

    /** Called with the new bundle whenever it changes (root rotation phases). */
    void onBundleChange(Consumer<Bundle> listener);

    record LeafRequest(LeafSubject subject, PublicKey publicKey, String csrPem, Validity validity) {
    }

    /** @param chain certificates served after the leaf (intermediates, up to a user's root) */
    record SignedLeaf(X509Certificate leaf, List<X509Certificate> chain) {
        public SignedLeaf {
            chain = List.copyOf(chain);
        }
    }

    final class SignerUnavailable extends Exception {
        public SignerUnavailable(String message) {
            super(message);
        }
    }
}
