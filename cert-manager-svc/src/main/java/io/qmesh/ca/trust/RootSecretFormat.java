package io.qmesh.ca.trust;

import io.qmesh.ca.issue.Pem;
import io.qmesh.ca.trust.RootEntry.State;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a {@link RootSet} is kept in the {@code qmesh-ca-root} Secret (string data, PEM):
 * {@code tls.crt}/{@code tls.key} the issuing root (the usual kubernetes.io/tls keys), {@code ca.crt}
 * the bundle, {@code roots} one line per root ({@code <serial> <STATE> <since> <trustedUntil|->}) and
 * {@code root-<serial>.crt}/{@code .key} for each. A Secret with only tls.crt/tls.key (made by hand) reads
 * as one issuing root.
 */
public final class RootSecretFormat {

    public static final String TLS_CRT = "tls.crt";
    public static final String TLS_KEY = "tls.key";
    public static final String CA_CRT = "ca.crt";
    public static final String ROOTS = "roots";

    private RootSecretFormat() {
    }

    public static Map<String, String> write(RootSet set) {
        Map<String, String> data = new TreeMap<>();
        data.put(TLS_CRT, Pem.encode(set.issuing().certificate()));
        data.put(TLS_KEY, Pem.encode(set.issuing().key()));
        data.put(CA_CRT, set.bundlePem());
        StringBuilder lines = new StringBuilder();
        for (RootEntry root : set.roots()) {
            lines.append(root.serialHex()).append(' ').append(root.state()).append(' ').append(root.since()).append(' ')
                    .append(root.trustedUntil() == null ? "-" : root.trustedUntil().toString()).append('\n');
            data.put("root-" + root.serialHex() + ".crt", Pem.encode(root.certificate()));
            data.put("root-" + root.serialHex() + ".key", Pem.encode(root.key()));
        }
        data.put(ROOTS, lines.toString());
        return data;
    }

    /**
     * @param since when a hand-made Secret's root counts as issuing from
     * @throws IllegalArgumentException naming the key that is missing or unreadable
     */
    public static RootSet read(Map<String, String> data, Instant since) {
        if (!data.containsKey(ROOTS)) {
            X509Certificate cert = Pem.parseCertificates(require(data, TLS_CRT)).get(0);
            return RootSet.of(RootEntry.issuing(cert, Pem.parsePrivateKey(require(data, TLS_KEY)), since));
        }
        List<RootEntry> roots = new ArrayList<>();
        for (String line : require(data, ROOTS).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            if (f.length != 4) {
                throw new IllegalArgumentException("data." + ROOTS + " line '" + line + "' is not '<serial> <state> <since> <until|->'");
            }
            List<X509Certificate> certs = Pem.parseCertificates(require(data, "root-" + f[0] + ".crt"));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("data.root-" + f[0] + ".crt holds no certificate");
            }
            roots.add(new RootEntry(certs.get(0), Pem.parsePrivateKey(require(data, "root-" + f[0] + ".key")),
                    State.valueOf(f[1]), Instant.parse(f[2]), f[3].equals("-") ? null : Instant.parse(f[3])));
        }
        return new RootSet(roots);
    }

    private static String require(Map<String, String> data, String key) {
        String value = data.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("data." + key + " is missing");
        }
        return value;
    }
}
