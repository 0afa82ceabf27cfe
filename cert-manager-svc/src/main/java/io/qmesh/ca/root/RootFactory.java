package io.qmesh.ca.root;

import io.qmesh.ca.issue.Certificates;
import io.qmesh.ca.issue.Keys;
import io.qmesh.ca.issue.Serials;
import io.qmesh.ca.issue.Validity;
import io.qmesh.ca.trust.RootEntry;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/** Makes new mesh roots: a P-256 key and a self-signed certificate valid from now for {@code validity}. */
public record RootFactory(String organization, Duration validity, SecureRandom random) {

    public RootEntry issuing(Instant now) {
        KeyPair keys = Keys.p256(random);
        var cert = Certificates.root(keys, organization, new Validity(now.minus(Validity.CLOCK_SKEW), now.plus(validity)),
                Serials.random128(random));
        return RootEntry.issuing(cert, keys.getPrivate(), now);
    }
}
