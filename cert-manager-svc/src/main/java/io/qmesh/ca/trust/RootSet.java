package io.qmesh.ca.trust;

import io.qmesh.ca.issue.Issuer;
import io.qmesh.ca.issue.Pem;
import io.qmesh.ca.trust.RootEntry.State;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The mesh's roots and the rotation phase they are in. Immutable; every phase change returns a new set.
 *
 * <pre>
 * STEADY ──beginRotation──▶ NEW_ROOT_TRUSTED ──switchIssuer──▶ OLD_ROOT_RETIRING ──dropExpired──▶ STEADY
 *  (one ISSUING)            (ISSUING + PENDING)                (ISSUING + RETIRING until its leaves expire)
 * </pre>
 */
public record RootSet(List<RootEntry> roots) {

    public enum Phase { STEADY, NEW_ROOT_TRUSTED, OLD_ROOT_RETIRING }

    private static final Comparator<RootEntry> ORDER = Comparator
            .comparing((RootEntry root) -> root.state() != State.ISSUING)
            .thenComparing(root -> root.certificate().getNotBefore())
            .thenComparing(RootEntry::serialHex);

    public RootSet {
        roots = roots.stream().sorted(ORDER).toList();
        long issuing = roots.stream().filter(root -> root.state() == State.ISSUING).count();
        if (issuing != 1) {
            throw new IllegalArgumentException("a root set needs exactly one ISSUING root, has " + issuing);
        }
    }

    public static RootSet of(RootEntry issuing) {
        return new RootSet(List.of(issuing));
    }

    public RootEntry issuing() {
        return roots.get(0);
    }

    public Issuer issuer() {
        return Issuer.root(issuing().key(), issuing().certificate());
    }

    public Optional<RootEntry> inState(State state) {
        return roots.stream().filter(root -> root.state() == state).findFirst();
    }

    public Phase phase() {
        if (inState(State.PENDING).isPresent()) {
            return Phase.NEW_ROOT_TRUSTED;
        }
        return inState(State.RETIRING).isPresent() ? Phase.OLD_ROOT_RETIRING : Phase.STEADY;
    }

    /** Phase 1: the new root joins the bundle; the old one keeps signing. Only from STEADY. */
    public RootSet beginRotation(X509Certificate certificate, java.security.PrivateKey key, Instant now) {
        requirePhase(Phase.STEADY, "begin a rotation");
        return new RootSet(append(new RootEntry(certificate, key, State.PENDING, now, null)));
    }

    /**
     * Phase 2: the pending root signs from now on; the old root stays trusted until {@code lastLeafExpiry},
     * the latest notAfter any leaf it signed can have.
     */
    public RootSet switchIssuer(Instant now, Instant lastLeafExpiry) {
        requirePhase(Phase.NEW_ROOT_TRUSTED, "switch issuance to the new root");
        return new RootSet(roots.stream().map(root -> switch (root.state()) {
            case PENDING -> root.withState(State.ISSUING, now, null);
            case ISSUING -> root.withState(State.RETIRING, now, lastLeafExpiry);
            case RETIRING -> root;
        }).toList());
    }

    /** Phase 3: retiring roots whose leaves have all expired leave the bundle. */
    public RootSet dropExpired(Instant now) {
        return new RootSet(roots.stream()
                .filter(root -> root.state() != State.RETIRING || root.trustedUntil().isAfter(now)).toList());
    }

    /** Every trusted root, issuing first. */
    public List<X509Certificate> trusted() {
        return roots.stream().map(RootEntry::certificate).toList();
    }

    public String bundlePem() {
        return Pem.certificates(trusted());
    }

    /** SHA-256 of the bundle's PEM, hex: the same roots give the same version on every replica. */
    public String version() {
        return sha256(bundlePem());
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private List<RootEntry> append(RootEntry entry) {
        return java.util.stream.Stream.concat(roots.stream(), java.util.stream.Stream.of(entry)).toList();
    }

    private void requirePhase(Phase expected, String action) {
        if (phase() != expected) {
            throw new IllegalStateException("cannot " + action + " in phase " + phase() + " (needs " + expected + ")");
        }
    }
}
