package io.qmesh.ca.trust;

import io.qmesh.ca.issue.Pem;
import io.qmesh.ca.issue.Serials;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The trust bundle as subscribers see it: every trusted root (issuing first) and which one signs.
 *
 * @param issuingSerial serial (hex) of the root that currently signs, or empty when an external CA
 *        signs and the bundle only holds its roots
 */
public record Bundle(List<X509Certificate> roots, String issuingSerial) {

    public static final Bundle EMPTY = new Bundle(List.of(), "");

    public Bundle {
        roots = List.copyOf(roots);
    }

    public static Bundle of(RootSet set) {
        return new Bundle(set.trusted(), set.issuing().serialHex());
    }

    public String pem() {
        return Pem.certificates(roots);
    }

    public String version() {
        return RootSet.sha256(pem());
    }

    public boolean issuing(X509Certificate root) {
        return Serials.hex(root.getSerialNumber()).equals(issuingSerial);
    }
}
