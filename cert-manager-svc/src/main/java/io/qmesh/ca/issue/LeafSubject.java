package io.qmesh.ca.issue;

import io.qmesh.api.Identity;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The subject the CA decides for a leaf: a SPIFFE identity (WORKLOAD, BOOTSTRAP) or DNS names
 * (WEBHOOK, SERVING). Never taken from the CSR.
 */
public record LeafSubject(LeafKind kind, Identity identity, List<String> dnsNames, String trustDomain) {

    public LeafSubject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(trustDomain, "trustDomain");
        dnsNames = List.copyOf(new TreeSet<>(dnsNames == null ? List.of() : dnsNames));
        if (kind.spiffe() && identity == null) {
            throw new IllegalArgumentException(kind + " needs a service account identity");
        }
        if (!kind.spiffe() && dnsNames.isEmpty()) {
            throw new IllegalArgumentException(kind + " needs at least one DNS name");
        }
    }

    public static LeafSubject spiffe(LeafKind kind, Identity identity, String trustDomain) {
        return new LeafSubject(kind, identity, List.of(), trustDomain);
    }

    public static LeafSubject webhook(List<String> dnsNames, String trustDomain) {
        return dns(LeafKind.WEBHOOK, dnsNames, trustDomain);
    }

    /** A WEBHOOK or SERVING subject. */
    public static LeafSubject dns(LeafKind kind, List<String> dnsNames, String trustDomain) {
        return new LeafSubject(kind, null, dnsNames, trustDomain);
    }

    /** The SPIFFE URI of a WORKLOAD or BOOTSTRAP subject, else null (DNS kinds). */
    public String spiffeId() {
        return kind.spiffe() ? identity.spiffeId(trustDomain) : null;
    }

    /** How the subject reads in logs and errors: the SPIFFE ID, or the DNS names. */
    public String describe() {
        return kind.spiffe() ? spiffeId() : "dns=" + String.join(",", dnsNames);
    }
}
