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
 * version is treated as the newest known behaviour: every "from vX on" capability is true, and every bug bound to a
 * closed version range is false. A pre-release is compared by its numeric core ({@code v1.3.13-rc1} behaves like
 * {@code v1.3.13}), because RKE release candidates carry the changes of the release they precede.
 *
 * <p>Instances are immutable and thread-safe. Equality ignores the surrounding text ({@code rke version}) but not the
 * pre-release suffix.
 *
 * <pre>{@code
 * RkeVersion v = RkeVersion.parse("rke version v1.4.3");
 * if (v.zipsSnapshots()) { fileName = name + ".zip"; }
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

    private boolean inRange(int maj, int min, int fromPatch, int toPatch) {
        return !dev && major == maj && minor == min && patch >= fromPatch && patch <= toPatch;
    }

    private boolean onLine(int maj, int min) {
        return !dev && major == maj && minor == min;
    }

    /** @return true from v0.1.7: {@code rke etcd snapshot-save/snapshot-restore} and recurring snapshots exist */
    public boolean supportsSnapshots() {
        return isAtLeast(0, 1, 7);
    }

    /** @return true for v0.1.8 up to v0.1.x: snapshot-save writes {@code pki.bundle.tar.gz}, restore needs it */
    public boolean writesPkiBundle() {
        return isAtLeast(0, 1, 8) && !isAtLeast(0, 2, 0);
    }

    /** @return true from v0.2.0: {@code backup_config} and S3 upload ({@code s3backupconfig}, {@code --s3}) */
    public boolean supportsS3() {
        return isAtLeast(0, 2, 0);
    }

    /** @return true from v0.2.0: {@code services.etcd.backup_config} is read at all (same as {@link #supportsS3()}) */
    public boolean supportsBackupConfig() {
        return supportsS3();
    }

    /** @return true from v0.2.0: cluster state and certificates live in {@code <config>.rkestate} next to the config */
    public boolean usesStateFile() {
        return isAtLeast(0, 2, 0);
    }

    /** @return true from v0.2.5: snapshot files are zipped and named {@code <name>.zip} */
    public boolean zipsSnapshots() {
        return isAtLeast(0, 2, 5);
    }

    /** @return true from v0.2.5: {@code s3backupconfig.custom_ca} and {@code --s3-endpoint-ca} */
    public boolean supportsCustomCa() {
        return isAtLeast(0, 2, 5);
    }

    /** @return true from v0.2.7: {@code s3backupconfig.folder} and {@code --folder} */
    public boolean supportsFolder() {
        return isAtLeast(0, 2, 7);
    }

    /** @return true from v0.3.0: {@code Running RKE version:} line, global {@code --quiet}, {@code safe_timestamp} */
    public boolean isAtLeastV030() {
        return isAtLeast(0, 3, 0);
    }

    /** @return true from v1.1.5 (and all v1.2.0+): manual snapshots embed the local {@code .rkestate} */
    public boolean embedsStateInSnapshot() {
        return isAtLeast(1, 1, 5);
    }

    /** @return true from v1.1.5 / v1.2.0: {@code snapshot-restore --use-local-state --cert-dir --custom-certs} */
    public boolean supportsUseLocalState() {
        return isAtLeast(1, 1, 5);
    }

    /** @return true for v1.1.14+ on the v1.1 line and v1.2.5+: {@code backup_config.timeout} (default 300 s) */
    public boolean supportsBackupTimeout() {
        if (onLine(1, 1)) {
            return patch >= 14;
        }
        return isAtLeast(1, 2, 5);
    }

    /** @return true from v1.3.13: a save that failed on some (not all) hosts still exits 0 (per-host summary) */
    public boolean reportsPartialFailureWithExitZero() {
        return isAtLeast(1, 3, 13);
    }

    /**
     * Tells whether {@code snapshot-save} panics (exit code 2) right after a successful save when the config has no
     * {@code backup_config}: v1.3.13–v1.3.14 and v1.4.0–v1.4.2 (rke#3028, rke#3099, rke#3135). The snapshot files
     * exist despite the exit code.
     *
     * @return true for the affected versions
     */
    public boolean panicsAfterSaveWithoutBackupConfig() {
        return inRange(1, 3, 13, 14) || inRange(1, 4, 0, 2);
    }

    /** @return true from v0.2.0, where RKE logs to stdout; v0.1.x logs to stderr */
    public boolean logsToStdout() {
        return isAtLeast(0, 2, 0);
    }

    /**
     * Tells whether recurring snapshots ({@code etcd-rolling-snapshots}) of this version lack the cluster state:
     * before v1.2.4 (state not embedded, or rke-tools older than v0.1.67, rke#2222/rke#2343), and the
     * rancher#48253 range v1.4.19+ / v1.5.10+ / v1.6.0–v1.6.5 (state moved to a Secret the tools did not read).
     * Manual snapshots are not affected from v1.1.5 on.
     *
     * @return true when a restore from a recurring snapshot needs a separately saved {@code .rkestate}
     */
    public boolean recurringSnapshotsLackState() {
        return !isAtLeast(1, 2, 4) || isInRancher48253Range();
    }

    /**
     * Tells whether this version is in the rancher#48253 range (v1.4.19+ on v1.4, v1.5.10+ on v1.5, v1.6.0–v1.6.5),
     * where recurring snapshots silently lost the {@code .rkestate} after the state moved to a Secret.
     *
     * @return true for the affected versions
     */
    public boolean isInRancher48253Range() {
        return onLine(1, 4) && patch >= 19 || onLine(1, 5) && patch >= 10 || inRange(1, 6, 0, 5);
    }

    /** @return true from v1.4.19 / v1.5.10 / v1.6.0: state is in the Secret {@code kube-system/full-cluster-state} */
    public boolean storesStateInSecret() {
        if (onLine(1, 4)) {
            return patch >= 19;
        }
        if (onLine(1, 5)) {
            return patch >= 10;
        }
        return isAtLeast(1, 6, 0);
    }

    /**
     * The {@code String.format} pattern of the last log line of a successful {@code snapshot-save}:
     * {@code Finished saving snapshot [%s] on all etcd hosts} up to v0.2.x,
     * {@code Finished saving/uploading snapshot [%s] on all etcd hosts} from v0.3.0.
     *
     * @return the pattern with one {@code %s} for the snapshot name
     */
    public String finalSaveMessageFormat() {
        return isAtLeastV030()
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

    /** @return true from v0.1.12, where an unset {@code services.etcd.snapshot} means true (before: false) */
    public boolean recurringSnapshotsOnByDefault() {
        return isAtLeast(0, 1, 12);
    }

    /**
     * The file name a manual snapshot called {@code snapshotName} gets in {@code /opt/rke/etcd-snapshots/}.
     *
     * @param snapshotName the bare snapshot name
     * @return {@code <name>.zip} from v0.2.5, {@code <name>} before
     */
    public String snapshotFileName(String snapshotName) {
        return zipsSnapshots() ? snapshotName + ".zip" : snapshotName;
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
