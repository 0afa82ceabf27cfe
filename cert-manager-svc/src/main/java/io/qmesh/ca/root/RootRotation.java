package io.qmesh.ca.root;

import io.qmesh.ca.config.CaConfig;
import io.qmesh.ca.config.TtlPolicy;
import io.qmesh.ca.issue.Validity;
import io.qmesh.ca.root.RootSecretStore.Stored;
import io.qmesh.ca.trust.RootEntry;
import io.qmesh.ca.trust.RootEntry.State;
import io.qmesh.ca.trust.RootSet;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Advances root rotation one phase at a time, through the root Secret so every replica follows:
 * <ol>
 * <li>the issuing root nears expiry ({@code rotation.rotate-before}) or the Secret carries
 * {@code qmesh.io/rotate-root}: a new root joins the bundle, the old one keeps signing;</li>
 * <li>after {@code rotation.overlap} (time for every proxy to receive the new bundle): the new root signs;
 * the old one stays trusted until the last leaf it can have signed expires (now + the leaf TTL policy);</li>
 * <li>after that: the old root leaves the bundle.</li>
 * </ol>
 */
@ApplicationScoped
public class RootRotation {

    private static final Logger LOG = Logger.getLogger(RootRotation.class);

    private final RootAuthority authority;
    private final CaConfig config;
    private final TtlPolicy ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    RootRotation(RootAuthority authority, CaConfig config, TtlPolicy ttl, Clock clock) {
        this.authority = authority;
        this.config = config;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** One step at the current time, if one is due; the phase after it. */
    public Optional<RootSet.Phase> tick() {
        return step(clock.instant(), false);
    }

    /** Takes the next step now without waiting for the root to age or the overlap to pass (never retires early). */
    public Optional<RootSet.Phase> advanceNow() {
        return step(clock.instant(), true);
    }

    /** Advances one phase if due at {@code now}; {@code force} begins a rotation from STEADY regardless of age. */
    public synchronized Optional<RootSet.Phase> step(Instant now, boolean force) {
        Optional<Stored> held = authority.stored();
        if (held.isEmpty()) {
            return Optional.empty();
        }
        Stored stored = held.get();
        RootSet roots = stored.roots();
        RootSet next = switch (roots.phase()) {
            case STEADY -> force || stored.rotationRequested() || nearExpiry(roots, now) ? begin(roots, now) : null;
            case NEW_ROOT_TRUSTED -> roots.inState(State.PENDING).orElseThrow().since()
                    .plus(config.rotation().overlap()).isAfter(now) && !force ? null
                    : roots.switchIssuer(now, now.plus(ttl.maximum()).plus(Validity.CLOCK_SKEW));
            case OLD_ROOT_RETIRING -> roots.inState(State.RETIRING).orElseThrow().trustedUntil().isAfter(now)
                    ? null : roots.dropExpired(now);
        };
        if (next == null) {
            return Optional.of(roots.phase());
        }
        Optional<Stored> written = authority.store().replace(stored, next);
        if (written.isEmpty()) {
            LOG.infof("root Secret %s changed under rotation step; another replica moved first", authority.store().describe());
            authority.store().read(now).ifPresent(authority::accept);
            return Optional.empty();
        }
        LOG.infof("root rotation %s %s -> %s issuing=%s", authority.store().describe(), roots.phase(), next.phase(),
                next.issuing().serialHex());
        authority.accept(written.get());
        return Optional.of(next.phase());
    }

    private boolean nearExpiry(RootSet roots, Instant now) {
        return roots.issuing().certificate().getNotAfter().toInstant().minus(config.rotation().rotateBefore()).isBefore(now);
    }

    private RootSet begin(RootSet roots, Instant now) {
        RootEntry fresh = new RootFactory(config.root().organization(), config.root().validity(), random).issuing(now);
        return roots.beginRotation(fresh.certificate(), fresh.key(), now);
    }
}
