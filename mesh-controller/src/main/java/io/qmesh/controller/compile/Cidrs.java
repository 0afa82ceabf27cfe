package io.qmesh.controller.compile;

import java.util.regex.Pattern;

/** CIDR syntax checks without name resolution (InetAddress would look names up). */
final class Cidrs {

    private static final Pattern V4 = Pattern.compile(
            "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/(3[0-2]|[12]?[0-9])$");
    private static final Pattern V6 = Pattern.compile("^[0-9a-fA-F:]+:[0-9a-fA-F:]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$");

    private Cidrs() {
    }

    static boolean valid(String cidr) {
        return cidr != null && (V4.matcher(cidr).matches() || V6.matcher(cidr).matches());
    }
}
