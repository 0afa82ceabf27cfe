package io.qmesh.ca.issue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go's duration syntax as MeshConfig uses it ("24h", "1h30m", "90s", "250ms"). */
public final class GoDuration {

    private static final Pattern WHOLE = Pattern.compile("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$");
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

    private GoDuration() {
    }

    /** @throws IllegalArgumentException when the text is not such a duration */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 24h, 1h30m or 90s");
        }
        Matcher part = PART.matcher(text);
        double millis = 0;
        while (part.find()) {
            double value = Double.parseDouble(part.group(1));
            millis += switch (part.group(2)) {
                case "ms" -> value;
                case "s" -> value * 1_000;
                case "m" -> value * 60_000;
                default -> value * 3_600_000;
            };
        }
        return Duration.ofMillis(Math.round(millis));
    }
}
