package io.qmesh.ca;

import io.qmesh.api.Identity;
import io.qmesh.ca.auth.TokenReviewAuthenticator;
import io.qmesh.ca.config.CaConfig;
import io.qmesh.ca.config.TtlPolicy;
import io.qmesh.ca.issue.CsrCheck;
import io.qmesh.ca.issue.LeafKind;
import io.qmesh.ca.issue.LeafSubject;
import io.qmesh.ca.issue.Refusal;
import io.qmesh.ca.issue.Refusal.Reason;
import io.qmesh.ca.issue.Validity;
import io.qmesh.ca.policy.AccessPolicy;
import io.qmesh.ca.sign.Signer;
import io.qmesh.ca.sign.Signer.LeafRequest;
import io.qmesh.ca.sign.Signer.SignedLeaf;
import io.qmesh.ca.sign.Signer.SignerUnavailable;
import io.qmesh.ca.trust.Bundle;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One Issue call, transport aside: who is calling (TokenReview), what subject the CA decides, whether
 * the caller may have it, whether the CSR is sound, how long it may live, and the signature. Every
 * refusal is data that names the caller and the reason, and counts in {@code qmesh_ca_issue_rejected_total}.
 */
@ApplicationScoped
public class Issuance {

    private static final Logger LOG = Logger.getLogger(Issuance.class);

    private final TokenReviewAuthenticator authenticator;
    private final Signer signer;
    private final TtlPolicy ttl;
    private final CaConfig config;
    private final CaMetrics metrics;
    private final Clock clock;
    private final AccessPolicy policy;

    /** What the caller asked for, transport-neutral. */
    public record Request(String token, LeafKind kind, Identity identity, List<String> dnsNames, Duration ttl, String csrPem) {
    }

    /** A signed chain, or a refusal. */
    public record Outcome(SignedLeaf signed, Bundle bundle, Refusal refusal) {
    }

    Issuance(TokenReviewAuthenticator authenticator, Signer signer, TtlPolicy ttl, CaConfig config, CaMetrics metrics,
            Clock clock) {
        this.authenticator = authenticator;
        this.signer = signer;
        this.ttl = ttl;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.policy = new AccessPolicy(java.util.Map.of(
                LeafKind.WORKLOAD, identities(config.auth().workload()),
                LeafKind.BOOTSTRAP, identities(config.auth().bootstrap()),
                LeafKind.WEBHOOK, identities(config.auth().webhook()),
                LeafKind.SERVING, identities(config.auth().serving())),
                Set.copyOf(config.auth().protectedNamespaces().orElse(List.of(config.namespace()))));
    }

    /** The caller's identity, or a refusal (for calls that need only authentication, e.g. the bundle stream). */
    public TokenReviewAuthenticator.Result authenticate(String token) {
        return authenticator.authenticate(token);
    }

    public Outcome issue(Request request) {
        TokenReviewAuthenticator.Result who = authenticator.authenticate(request.token());
        if (who.refusal() != null) {
            return refuse(who.refusal(), "unknown");
        }
        Identity caller = who.caller();
        LeafSubject subject;
        try {
            subject = subject(request);
        } catch (IllegalArgumentException e) {
            return refuse(Refusal.of(Reason.INVALID_REQUEST, e.getMessage()), caller.toString());
        }
        var denied = policy.decide(caller, subject);
        if (denied.isPresent()) {
            return refuse(denied.get(), caller.toString());
        }
        CsrCheck.Result csr = CsrCheck.check(request.csrPem(), subject);
        if (csr instanceof CsrCheck.Refused refused) {
            return refuse(refused.refusal(), caller.toString());
        }
        Validity validity;
        try {
            validity = Validity.bounded(request.ttl(), ttl.maximum(), clock);
        } catch (IllegalArgumentException e) {
            return refuse(Refusal.of(Reason.INVALID_REQUEST, "ttl: " + e.getMessage()), caller.toString());
        }
        try {
            SignedLeaf signed = signer.sign(new LeafRequest(subject, ((CsrCheck.Accepted) csr).publicKey(), request.csrPem(), validity));
            metrics.issued(subject.kind(), signer.name());
            LOG.debugf("issued caller=%s subject=%s serial=%s signer=%s", caller, subject.describe(),
                    signed.leaf().getSerialNumber().toString(16), signer.name());
            return new Outcome(signed, signer.bundle(), null);
        } catch (SignerUnavailable e) {
            return refuse(Refusal.of(Reason.SIGNER_UNAVAILABLE, e.getMessage()), caller.toString());
        }
    }

    private LeafSubject subject(Request request) {
        if (request.kind() == null) {
            throw new IllegalArgumentException("kind: must be WORKLOAD, BOOTSTRAP, WEBHOOK or SERVING");
        }
        if (request.kind().spiffe()) {
            if (request.identity() == null) {
                throw new IllegalArgumentException("service_account: required for " + request.kind());
            }
            return LeafSubject.spiffe(request.kind(), request.identity(), config.trustDomain());
        }
        if (request.dnsNames().isEmpty()) {
            throw new IllegalArgumentException("dns_names: required for " + request.kind());
        }
        return LeafSubject.dns(request.kind(), request.dnsNames(), config.trustDomain());
    }

    private Outcome refuse(Refusal refusal, String caller) {
        metrics.rejected(refusal);
        LOG.infof("refused caller=%s reason=%s: %s", caller, refusal.reason().label(), refusal.message());
        return new Outcome(null, null, refusal);
    }

    private static Set<Identity> identities(List<String> callers) {
        return callers.stream().map(String::trim).filter(s -> !s.isEmpty()).map(s -> {
            String[] parts = s.split("/", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("qmesh.ca.auth: caller '" + s + "' is not namespace/serviceaccount");
            }
            return Identity.of(parts[0], parts[1]);
        }).collect(Collectors.toSet());
    }
}
