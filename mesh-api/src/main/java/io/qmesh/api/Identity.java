package io.qmesh.api;

import java.util.Objects;

/**
 * A workload identity: a Kubernetes ServiceAccount, as a record of its namespace and name, never a
 * string split on dots.
 */
public record Identity(String namespace, String serviceAccount) implements Comparable<Identity> {

    public Identity {
        requireLabel(namespace, "namespace");
        requireLabel(serviceAccount, "serviceAccount");
    }

    public static Identity of(String namespace, String serviceAccount) {
        return new Identity(namespace, serviceAccount);
    }

    /** {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>}. */
    public String spiffeId(String trustDomain) {
        Objects.requireNonNull(trustDomain, "trustDomain");
        return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    /**
     * Parses a SPIFFE ID of the mesh's shape.
     *
     * @throws IllegalArgumentException naming what is wrong, when the ID is not
     *         {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>}
     */
    public static Identity fromSpiffeId(String spiffeId, String trustDomain) {
        String prefix = "spiffe://" + trustDomain + "/ns/";
        if (spiffeId == null || !spiffeId.startsWith(prefix)) {
            throw new IllegalArgumentException("SPIFFE ID '" + spiffeId + "' is not in trust domain " + trustDomain);
        }
        String[] rest = spiffeId.substring(prefix.length()).split("/", -1);
        if (rest.length != 3 || !rest[1].equals("sa")) {
            throw new IllegalArgumentException("SPIFFE ID '" + spiffeId + "' is not of the form "
                    + prefix + "<namespace>/sa/<serviceAccount>");
        }
        return new Identity(rest[0], rest[2]);
    }

    @Override
    public int compareTo(Identity other) {
        int byNamespace = namespace.compareTo(other.namespace);
        return byNamespace != 0 ? byNamespace : serviceAccount.compareTo(other.serviceAccount);
    }

    @Override
    public String toString() {
        return namespace + "/" + serviceAccount;
    }

    private static void requireLabel(String value, String field) {
        if (value == null || value.isEmpty() || value.contains("/")) {
            throw new IllegalArgumentException(field + " must be a non-empty Kubernetes name without '/', got '" + value + "'");
        }
    }
}
