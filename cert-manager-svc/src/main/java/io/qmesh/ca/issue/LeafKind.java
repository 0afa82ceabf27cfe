package io.qmesh.ca.issue;

/** What a certificate is for; decides its subject (SPIFFE URI SAN or DNS SANs). */
public enum LeafKind {
    /** A workload's mTLS certificate: URI SAN spiffe://&lt;td&gt;/ns/&lt;ns&gt;/sa/&lt;sa&gt;. */
    WORKLOAD,
    /** The client certificate of an Envoy bootstrap: same SPIFFE URI SAN shape. */
    BOOTSTRAP,
    /** A webhook's serving certificate: DNS SANs of its Service. */
    WEBHOOK,
    /** A control-plane service's TLS serving certificate (xds-service's ADS port): DNS SANs of its Service. */
    SERVING;

    /** Whether the subject is a SPIFFE identity; otherwise it is DNS names. */
    public boolean spiffe() {
        return this == WORKLOAD || this == BOOTSTRAP;
    }

    /** Lower-case label value for metrics and messages. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
