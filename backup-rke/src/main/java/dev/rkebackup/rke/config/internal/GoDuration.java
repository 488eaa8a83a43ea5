package dev.rkebackup.rke.config.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go {@code time.ParseDuration} semantics, which rke-tools uses for the legacy {@code creation}/{@code retention}
 * values: a sequence of decimal numbers with units {@code ns us µs ms s m h}; {@code 0} alone is valid; no {@code d}.
 * Stateless; not a published API.
 */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /**
     * Parses a Go duration.
     *
     * @param text e.g. {@code 6h0s}, {@code 5m0s}, {@code 72h}, {@code 1h30m}
     * @return the duration; empty when Go would reject the text (e.g. {@code 24}, {@code 3d})
     */
    public static Optional<Duration> parse(String text) {
        String t = text.strip();
        if (t.isEmpty() || !t.equals(text)) {
            return Optional.empty();
        }
        boolean negative = false;
        if (t.startsWith("-") || t.startsWith("+")) {
            negative = t.startsWith("-");
            t = t.substring(1);
        }
        if (t.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        Matcher m = PART.matcher(t);
        int pos = 0;
        BigDecimal nanos = BigDecimal.ZERO;
        while (pos < t.length()) {
            if (!m.find(pos) || m.start() != pos) {
                return Optional.empty();
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(NANOS.get(m.group(2)))));
            pos = m.end();
        }
        if (pos == 0 || nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return Optional.empty();
        }
        long n = nanos.longValue();
        return Optional.of(Duration.ofNanos(negative ? -n : n));
    }

    /**
     * Formats a duration the way Go prints it ({@code 12h0m0s}, {@code 5m0s}).
     *
     * @param d a non-negative duration
     * @return Go's {@code Duration.String()} form for whole seconds; {@code 0s} for zero
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long s = d.getSeconds();
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        if (h > 0) {
            return h + "h" + m + "m" + sec + "s";
        }
        if (m > 0) {
            return m + "m" + sec + "s";
        }
        return sec + "s";
    }
}
