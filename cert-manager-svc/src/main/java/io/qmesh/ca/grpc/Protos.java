package io.qmesh.ca.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.qmesh.api.Identity;
import io.qmesh.api.certs.v1.IssueRequest;
import io.qmesh.api.certs.v1.IssueResponse;
import io.qmesh.api.certs.v1.TrustBundle;
import io.qmesh.api.certs.v1.TrustedRoot;
import io.qmesh.ca.Issuance;
import io.qmesh.ca.issue.LeafKind;
import io.qmesh.ca.issue.Pem;
import io.qmesh.ca.issue.Refusal;
import io.qmesh.ca.issue.Serials;
import io.qmesh.ca.trust.Bundle;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** certs.v1 messages to and from the CA's records. */
final class Protos {

    private Protos() {
    }

    /** @throws IllegalArgumentException naming the field that is wrong */
    static Issuance.Request request(IssueRequest request, String token) {
        LeafKind kind = switch (request.getKind()) {
            case WORKLOAD -> LeafKind.WORKLOAD;
            case BOOTSTRAP -> LeafKind.BOOTSTRAP;
            case WEBHOOK -> LeafKind.WEBHOOK;
            case SERVING -> LeafKind.SERVING;
            case CERTIFICATE_KIND_UNSPECIFIED, UNRECOGNIZED -> null;
        };
        Identity identity = null;
        if (request.hasServiceAccount() && kind != null && kind.spiffe()) {
            try {
                identity = Identity.of(request.getServiceAccount().getNamespace(), request.getServiceAccount().getName());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("service_account: " + e.getMessage(), e);
            }
        }
        Duration ttl = request.hasTtl() ? Duration.ofSeconds(request.getTtl().getSeconds(), request.getTtl().getNanos()) : null;
        return new Issuance.Request(token, kind, identity, request.getDnsNamesList(), ttl, request.getCsrPem());
    }

    static IssueResponse response(Issuance.Outcome outcome) {
        X509Certificate leaf = outcome.signed().leaf();
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(outcome.signed().chain());
        return IssueResponse.newBuilder()
                .setCertificateChainPem(Pem.certificates(chain))
                .setTrustBundlePem(outcome.bundle().pem())
                .setSerialNumber(Serials.hex(leaf.getSerialNumber()))
                .setNotBefore(timestamp(leaf.getNotBefore().toInstant()))
                .setNotAfter(timestamp(leaf.getNotAfter().toInstant()))
                .build();
    }

    static TrustBundle bundle(Bundle bundle) {
        TrustBundle.Builder out = TrustBundle.newBuilder().setVersion(bundle.version()).setBundlePem(bundle.pem());
        for (X509Certificate root : bundle.roots()) {
            out.addRoots(TrustedRoot.newBuilder().setSubject(root.getSubjectX500Principal().getName())
                    .setSerialNumber(Serials.hex(root.getSerialNumber()))
                    .setNotAfter(timestamp(root.getNotAfter().toInstant()))
                    .setIssuing(bundle.issuing(root)));
        }
        return out.build();
    }

    static Status status(Refusal refusal) {
        Status status = switch (refusal.reason()) {
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case SIGNER_UNAVAILABLE -> Status.UNAVAILABLE;
            case INVALID_REQUEST, MALFORMED_CSR, BAD_SIGNATURE, WEAK_KEY, IDENTITY_MISMATCH -> Status.INVALID_ARGUMENT;
        };
        return status.withDescription(refusal.reason().label() + ": " + refusal.message());
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

}
