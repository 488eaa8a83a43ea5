package dev.rkebackup.rke.exec;

import dev.rkebackup.core.InvalidInputException;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Rules for manual snapshot names ({@code rke etcd snapshot-save --name}). Stateless and thread-safe.
 *
 * <p>A name is bare: RKE puts it into {@code /opt/rke/etcd-snapshots/<name>[.zip]} on every etcd node and
 * restores it with the same bare name, so a path, {@code ..}, a {@code .zip} suffix or control characters break
 * saving or restoring (rancher#19894, rke#2421).
 */
public final class SnapshotNames {
    /** Prefix of RKE's default name. */
    public static final String DEFAULT_PREFIX = "rke_etcd_snapshot_";
    private static final int MAX_LENGTH = 200;
    /** Go's time.RFC3339: {@code 2006-01-02T15:04:05Z07:00}; {@code Z} for a zero offset, else {@code +hh:mm}. */
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX",
            Locale.ROOT);

    private SnapshotNames() {
    }

    /**
     * Checks that {@code name} is a usable bare snapshot name.
     *
     * @param name the proposed name
     * @return {@code name}, unchanged
     * @throws InvalidInputException if the name is empty, too long, contains {@code /} or {@code \}, is or
     *     contains {@code ..}, ends with {@code .zip}, starts with {@code -}, or contains control characters
     */
    public static String requireValid(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException("The snapshot name is empty. Give a bare name such as "
                    + "\"before-upgrade-2024-05-01\", or leave it out to get RKE's default name.");
        }
        String shown = printable(name);
        if (name.length() > MAX_LENGTH) {
            throw new InvalidInputException("The snapshot name \"" + shown.substring(0, 40) + "...\" is "
                    + name.length() + " characters long; use at most " + MAX_LENGTH + ".");
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidInputException("The snapshot name \"" + shown + "\" contains control characters; "
                    + "use letters, digits, '-', '_', '.', ':' only.");
        }
        if (name.contains("/") || name.contains("\\")) {
            throw new InvalidInputException("The snapshot name \"" + shown + "\" contains a path separator. RKE "
                    + "wants the bare name (it adds /opt/rke/etcd-snapshots/ itself); remove the directory part.");
        }
        if (name.contains("..") || name.equals(".")) {
            throw new InvalidInputException("The snapshot name \"" + shown + "\" contains \"..\"; choose a name "
                    + "without it.");
        }
        if (name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            throw new InvalidInputException("The snapshot name \"" + shown + "\" ends with .zip. RKE adds .zip "
                    + "itself (v0.2.5+) and restores by the name without it: use \""
                    + name.substring(0, name.length() - 4) + "\".");
        }
        if (name.startsWith("-")) {
            throw new InvalidInputException("The snapshot name \"" + shown + "\" starts with '-', which reads like "
                    + "a command-line flag; start it with a letter or digit.");
        }
        return name;
    }

    /**
     * Returns RKE's default name for a save at {@code time}: {@code rke_etcd_snapshot_} followed by Go's RFC 3339
     * form of the RKE host's local time, e.g. {@code rke_etcd_snapshot_2020-10-15T16:47:24+02:00} or
     * {@code ..._2020-10-15T14:47:24Z} in UTC.
     *
     * @param time the time with the zone of the host that runs {@code rke}
     * @return the default name
     */
    public static String defaultName(ZonedDateTime time) {
        return DEFAULT_PREFIX + RFC3339.format(time.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Returns RKE's default name for "now" on the given clock.
     *
     * @param clock the clock (its zone should be the local zone of this host, as for RKE)
     * @return the default name
     */
    public static String defaultName(Clock clock) {
        return defaultName(ZonedDateTime.now(clock));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 0x20 || c == 0x7f ? '?' : (char) c));
        return b.toString();
    }
}
