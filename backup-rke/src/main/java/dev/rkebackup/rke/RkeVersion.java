package dev.rkebackup.rke;

import dev.rkebackup.core.InvalidInputException;
import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RKE (RKE1) CLI version and the backup-relevant behaviour that version has, following the version timeline of
 * {@code reference/rke-facts.md} section 1.
 *
 * <p><b>Parsing.</b> {@link #parse(String)} accepts what {@code rke --version} prints ({@code rke version v1.4.3}),
 * a bare version ({@code v1.4.3}, {@code 1.4.3}), pre-release suffixes ({@code v1.6.3-rc1}, {@code v1.6.6-rc.1})
 * and the unreleased build marker {@code dev}.
 *
 * <p><b>Unknown versions.</b> A {@code dev} build and any version newer than {@link #NEWEST_VERIFIED} minor line
 * cannot be checked against the facts. They are never guessed silently: {@link #isKnown()} returns false and callers
 * (the inspection report) must surface that ({@code RKE_VERSION_UNKNOWN}). For the capability questions such a
 * version is treated as the newest known behaviour: every "from vX on" {@link RkeFeature} is present, and every bug
 * bound to a closed version range is absent. A pre-release is compared by its numeric core ({@code v1.3.13-rc1}
 * behaves like
 * {@code v1.3.13}), because RKE release candidates carry the changes of the release they precede.
 *
 * <p>Instances are immutable and thread-safe. Equality ignores the surrounding text ({@code rke version}) but not the
 * pre-release suffix.
 *
 * <pre>{@code
 * RkeVersion v = RkeVersion.parse("rke version v1.4.3");
 * if (v.has(RkeFeature.ZIPPED_SNAPSHOTS)) { fileName = name + ".zip"; }
 * }</pre>
 */
public final class RkeVersion implements Comparable<RkeVersion> {
    /**
     * Newest release the facts were checked against; versions beyond its minor line (v1.6.x) are not
     * {@link #isKnown()}.
     */
    public static final RkeVersion NEWEST_VERIFIED = new RkeVersion(1, 6, 3, "", false);

    /** Order by major, minor, patch; then a release sorts after its pre-releases; {@code dev} sorts last. */
    private static final Comparator<RkeVersion> ORDER = Comparator
            .comparing((RkeVersion v) -> v.dev)
            .thenComparingInt(v -> v.major)
            .thenComparingInt(v -> v.minor)
            .thenComparingInt(v -> v.patch)
            .thenComparing(v -> v.preRelease.isEmpty())
            .thenComparing(v -> v.preRelease);

    private static final Pattern VERSION = Pattern.compile("v?(\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})"
            + "(?:-([0-9A-Za-z][0-9A-Za-z.\\-]{0,63}))?(?:\\+[0-9A-Za-z.\\-]{1,64})?");
    private static final String CLI_PREFIX = "rke version ";
    private static final int MAX_INPUT = 200;

    private final int major;
    private final int minor;
    private final int patch;
    private final String preRelease;
    private final boolean dev;

    private RkeVersion(int major, int minor, int patch, String preRelease, boolean dev) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.preRelease = preRelease;
        this.dev = dev;
    }

    /**
     * Parses an RKE version as printed by {@code rke --version} or written by a user.
     *
     * @param text e.g. {@code rke version v1.4.3}, {@code v0.1.18}, {@code 1.2.8}, {@code v1.6.3-rc1} or {@code dev};
     *        when it has several lines, the one starting with {@code rke version} is read
     * @return the version
     * @throws InvalidInputException if the text is not an RKE version; the message shows the accepted forms
     * @throws NullPointerException if {@code text} is null
     */
    public static RkeVersion parse(String text) {
        if (text == null) {
            throw new NullPointerException("RKE version text must not be null");
        }
        String t = versionLine(text).strip();
        if (t.length() > MAX_INPUT) {
            throw invalid("(" + t.length() + " characters of text)");
        }
        if (t.toLowerCase(Locale.ROOT).startsWith(CLI_PREFIX)) {
            t = t.substring(CLI_PREFIX.length()).strip();
        }
        if (t.equalsIgnoreCase("dev") || t.equalsIgnoreCase("vdev")) {
            return new RkeVersion(0, 0, 0, "", true);
        }
        Matcher m = VERSION.matcher(t);
        if (!m.matches()) {
            throw invalid("'" + t + "'");
        }
        String pre = m.group(4) == null ? "" : m.group(4);
        return new RkeVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), pre, false);
    }

    /** The line that says {@code rke version ...} when the text has several (e.g. a warning before it). */
    private static String versionLine(String text) {
        if (text.length() > 10 * MAX_INPUT || text.strip().indexOf('\n') < 0) {
            return text;
        }
        for (String line : text.split("\r?\n")) {
            if (line.strip().toLowerCase(Locale.ROOT).startsWith(CLI_PREFIX)) {
                return line;
            }
        }
        return text;
    }

    /**
     * Creates a released version from its numbers.
     *
     * @param major major number, &gt;= 0
     * @param minor minor number, &gt;= 0
     * @param patch patch number, &gt;= 0
     * @return the version {@code vMAJOR.MINOR.PATCH}
     * @throws IllegalArgumentException if a number is negative
     */
    public static RkeVersion of(int major, int minor, int patch) {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version numbers must be >= 0: " + major + "." + minor + "." + patch);
        }
        return new RkeVersion(major, minor, patch, "", false);
    }

    private static InvalidInputException invalid(String shown) {
        return new InvalidInputException("Cannot read an RKE version from " + shown
                + ". Give what `rke --version` prints, e.g. 'rke version v1.4.3', 'v1.4.3', 'v1.6.3-rc1' or 'dev'.");
    }

    /** @return major number; 0 for {@code dev} */
    public int major() {
        return major;
    }

    /** @return minor number; 0 for {@code dev} */
    public int minor() {
        return minor;
    }

    /** @return patch number; 0 for {@code dev} */
    public int patch() {
        return patch;
    }

    /** @return the pre-release suffix without the dash (e.g. {@code rc1}), empty for a release or {@code dev} */
    public String preRelease() {
        return preRelease;
    }

    /** @return true for an unreleased {@code dev} build */
    public boolean isDev() {
        return dev;
    }

    /** @return true when a pre-release suffix is present (RKE warns that such builds are not officially supported) */
    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    /**
     * Tells whether the backup behaviour of this version is covered by the verified facts. False for {@code dev} and
     * for versions newer than the {@link #NEWEST_VERIFIED} minor line; such versions are treated as the newest known
     * behaviour, and the caller must say so to the user.
     *
     * @return true when the capability answers are verified for this version
     */
    public boolean isKnown() {
        if (dev) {
            return false;
        }
        return major < NEWEST_VERIFIED.major
                || major == NEWEST_VERIFIED.major && minor <= NEWEST_VERIFIED.minor;
    }

    /**
     * Compares the numeric core. A {@code dev} build is at least every version; a pre-release counts as its release.
     *
     * @param maj major number
     * @param min minor number
     * @param pat patch number
     * @return true when this version is {@code vmaj.min.pat} or later
     */
    public boolean isAtLeast(int maj, int min, int pat) {
        if (dev) {
            return true;
        }
        if (major != maj) {
            return major > maj;
        }
        if (minor != min) {
            return minor > min;
        }
        return patch >= pat;
    }

    /**
     * Tells whether this version has a backup-relevant behaviour; the thresholds live in {@link RkeFeature} only.
     *
     * @param feature the behaviour
     * @return true when this version has it
     */
    public boolean has(RkeFeature feature) {
        return feature.in(this);
    }

    /**
     * Tells whether recurring snapshots ({@code etcd-rolling-snapshots}) of this version lack the cluster state:
     * without {@link RkeFeature#RECURRING_STATE} or with {@link RkeFeature#RECURRING_STATE_LOST}. Manual snapshots
     * carry it from {@link RkeFeature#STATE_IN_SNAPSHOT} on.
     *
     * @return true when a restore from a recurring snapshot needs a separately saved {@code .rkestate}
     */
    public boolean recurringSnapshotsLackState() {
        return !has(RkeFeature.RECURRING_STATE) || has(RkeFeature.RECURRING_STATE_LOST);
    }

    /**
     * The {@code String.format} pattern of the last log line of a successful {@code snapshot-save}:
     * {@code Finished saving snapshot [%s] on all etcd hosts} up to v0.2.x,
     * {@code Finished saving/uploading snapshot [%s] on all etcd hosts} from v0.3.0.
     *
     * @return the pattern with one {@code %s} for the snapshot name
     */
    public String finalSaveMessageFormat() {
        return has(RkeFeature.V030_LOGGING)
                ? "Finished saving/uploading snapshot [%s] on all etcd hosts"
                : "Finished saving snapshot [%s] on all etcd hosts";
    }

    /**
     * The last log line of a successful {@code snapshot-save} of {@code snapshotName}.
     *
     * @param snapshotName the bare snapshot name as given to {@code --name}
     * @return the message text without log decoration
     */
    public String finalSaveMessage(String snapshotName) {
        return String.format(Locale.ROOT, finalSaveMessageFormat(), snapshotName);
    }

    /**
     * The file name a manual snapshot called {@code snapshotName} gets in {@code /opt/rke/etcd-snapshots/}.
     *
     * @param snapshotName the bare snapshot name
     * @return {@code <name>.zip} from v0.2.5, {@code <name>} before
     */
    public String snapshotFileName(String snapshotName) {
        return has(RkeFeature.ZIPPED_SNAPSHOTS) ? snapshotName + ".zip" : snapshotName;
    }

    @Override
    public int compareTo(RkeVersion other) {
        return ORDER.compare(this, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RkeVersion v && v.dev == dev && v.major == major && v.minor == minor
                && v.patch == patch && v.preRelease.equals(preRelease);
    }

    @Override
    public int hashCode() {
        return dev ? -1 : ((major * 1000 + minor) * 1000 + patch) * 31 + preRelease.hashCode();
    }

    /** @return {@code dev}, or {@code vMAJOR.MINOR.PATCH[-pre]} as RKE prints it */
    @Override
    public String toString() {
        if (dev) {
            return "dev";
        }
        return "v" + major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease);
    }
}
