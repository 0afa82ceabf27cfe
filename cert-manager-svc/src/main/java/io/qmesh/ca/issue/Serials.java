package io.qmesh.ca.issue;

import java.math.BigInteger;
import java.util.Random;

/** Certificate serial numbers: 128 random bits, positive, never zero. */
public final class Serials {

    private Serials() {
    }

    public static BigInteger random128(Random random) {
        BigInteger serial;
        do {
            serial = new BigInteger(128, random);
        } while (serial.signum() == 0);
        return serial;
    }

    /** Lower-case hex, as logs and the API show it. */
    public static String hex(BigInteger serial) {
        return serial.toString(16);
    }
}
