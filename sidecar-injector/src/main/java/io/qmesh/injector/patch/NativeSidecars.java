package io.qmesh.injector.patch;

import java.util.Optional;

/** Whether a cluster runs native sidecars (init containers with restartPolicy Always): Kubernetes 1.29 and later. */
public final class NativeSidecars {

    private NativeSidecars() {
    }

    /**
     * From the API server's {@code /version} major and minor (minor may carry a suffix, e.g.
     * {@code 29+} on managed clusters); empty when they are not numbers.
     */
    public static Optional<Boolean> supported(String major, String minor) {
        try {
            int ma = Integer.parseInt(digits(major));
            int mi = Integer.parseInt(digits(minor));
            return Optional.of(ma > 1 || (ma == 1 && mi >= 29));
        } catch (NumberFormatException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private static String digits(String s) {
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return s.substring(0, end);
    }
}
