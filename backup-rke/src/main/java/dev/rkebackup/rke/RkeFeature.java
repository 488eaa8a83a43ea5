package dev.rkebackup.rke;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The backup-relevant behaviours of RKE (RKE1) and the versions that have them: the version table of
 * {@code reference/rke-facts.md} section 1, with each threshold written exactly once. Every version rule of the
 * library (what a complete backup holds, what a restore needs, which texts and advice are printed) asks this table
 * through {@link RkeVersion#has(RkeFeature)}; nothing else compares version numbers.
 *
 * <p>A behaviour is a union of version spans. A span is either open ({@code from vX on}) or closed
 * ({@code vX up to, not including, vY}). A pre-release counts as its release ({@code v1.3.13-rc1} behaves like
 * {@code v1.3.13}). A {@code dev} build and versions newer than {@link RkeVersion#NEWEST_VERIFIED} are treated as the
 * newest known behaviour: every open span includes them, every closed span (a bug fixed later) excludes them.
 *
 * <pre>{@code
 * if (version.has(RkeFeature.ZIPPED_SNAPSHOTS)) { fileName = name + ".zip"; }
 * String since = RkeFeature.FOLDER.since(); // "v0.2.7"
 * }</pre>
 */
public enum RkeFeature {
    /** {@code rke etcd snapshot-save/snapshot-restore}, {@code services.etcd.snapshot/creation/retention}. */
    SNAPSHOTS("etcd snapshots (snapshot-save, snapshot-restore, recurring snapshots)", from(0, 1, 7)),
    /** Manual save writes {@code pki.bundle.tar.gz}; restore needs it (until the state file replaced it). */
    PKI_BUNDLE("pki.bundle.tar.gz written by snapshot-save and needed by restore", span(0, 1, 8, 0, 2, 0)),
    /** Unset {@code services.etcd.snapshot} means true, default interval 12h and retention 72h (before: off, 5m0s,
     * 24h). */
    RECURRING_ON_BY_DEFAULT("recurring snapshots on by default (every 12h, kept 72h)", from(0, 1, 12)),
    /** {@code services.etcd.backup_config} and S3 upload ({@code s3backupconfig}, {@code --s3} flags). */
    BACKUP_CONFIG("backup_config and S3 upload", from(0, 2, 0)),
    /** Certificates and cluster state live in {@code <config>.rkestate} next to the config. */
    STATE_FILE("the .rkestate state file next to the config", from(0, 2, 0)),
    /** RKE logs to stdout (v0.1.x: stderr). */
    LOGS_TO_STDOUT("logging to stdout", from(0, 2, 0)),
    /**
     * Restore needs the snapshot on one etcd node (or in S3) and syncs it to the others, then rebuilds the whole
     * cluster; before, the snapshot must be on every etcd node and only the etcd plane is restored ({@code rke up}
     * follows).
     */
    RESTORE_FROM_ONE_NODE("restore from one etcd node's copy, rebuilding the whole cluster", from(0, 2, 0)),
    /** Per-container wait capped at about 300 s (before: unbounded). */
    CONTAINER_WAIT_CAPPED("per-container wait capped at about 300 s", from(0, 2, 3)),
    /** Snapshots are zipped: {@code <name>.zip}. */
    ZIPPED_SNAPSHOTS("zipped snapshots (<name>.zip)", from(0, 2, 5)),
    /** {@code s3backupconfig.custom_ca} and {@code --s3-endpoint-ca}. */
    CUSTOM_CA("s3backupconfig.custom_ca", from(0, 2, 5)),
    /** {@code s3backupconfig.folder} and {@code --folder}. */
    FOLDER("s3backupconfig.folder", from(0, 2, 7)),
    /** {@code Running RKE version:} line, global {@code --quiet}, final {@code Finished saving/uploading snapshot}. */
    V030_LOGGING("the v0.3.0 log lines and --quiet", from(0, 3, 0)),
    /** Restore source chosen by the presence of S3 config; certificates are checked before a restore. */
    RESTORE_CHECKS_CERTS("certificate check before restore, restore source chosen by S3 config", from(1, 1, 0)),
    /**
     * Manual snapshots embed the local {@code .rkestate}, restore reads it from the snapshot
     * ({@code --use-local-state}, {@code --cert-dir}, {@code --custom-certs} exist).
     */
    STATE_IN_SNAPSHOT("the state file inside manual snapshots, read by restore", from(1, 1, 5)),
    /** Recurring snapshots carry the state as well (rke-tools v0.1.67+; rke#2222, rke#2343). */
    RECURRING_STATE("the state file inside recurring snapshots", from(1, 2, 4)),
    /** {@code backup_config.timeout} (seconds, default 300). */
    BACKUP_TIMEOUT("backup_config.timeout", span(1, 1, 14, 1, 2, 0), from(1, 2, 5)),
    /** {@code rke util get-state-file} and {@code rke util get-kubeconfig}. */
    GET_STATE_FILE("rke util get-state-file", from(1, 2, 5)),
    /** S3 keys reach the node containers as base64 environment variables, not on their command line. */
    S3_KEYS_IN_CONTAINER_ENV("S3 keys kept off node command lines", span(1, 1, 19, 1, 2, 0), from(1, 2, 8)),
    /** {@code snapshot-save} without a local {@code .rkestate} only warns and continues (before: waits, rke#2492). */
    SAVE_WITHOUT_STATE_WARNS("snapshot-save without a local state file only warns", from(1, 3, 0)),
    /**
     * {@code snapshot-save} counts per-host failures and exits 0 when only some hosts failed; restore falls back to
     * local when the S3 download fails.
     */
    PER_HOST_SUMMARY("per-host snapshot summary (a partial failure exits 0)", from(1, 3, 13)),
    /** Nil-pointer panic (exit 2) right after a successful save when {@code backup_config} is absent (rke#3028). */
    PANIC_WITHOUT_BACKUP_CONFIG("panic after snapshot-save without backup_config (rke#3028)",
            span(1, 3, 13, 1, 3, 15), span(1, 4, 0, 1, 4, 3)),
    /** Cluster state kept in the Secret {@code kube-system/full-cluster-state} (was a ConfigMap). */
    STATE_IN_SECRET("cluster state in the Secret kube-system/full-cluster-state",
            span(1, 4, 19, 1, 5, 0), span(1, 5, 10, 1, 6, 0), from(1, 6, 0)),
    /** Recurring snapshots silently lack the {@code .rkestate} (rancher#48253). */
    RECURRING_STATE_LOST("recurring snapshots without the state file (rancher#48253)",
            span(1, 4, 19, 1, 5, 0), span(1, 5, 10, 1, 6, 0), span(1, 6, 0, 1, 6, 6)),
    /** RKE1 is deprecated; end of life 31 July 2025. */
    DEPRECATED("RKE1 deprecated (end of life 2025-07-31)", from(1, 6, 0));

    private final String description;
    private final List<Span> spans;

    RkeFeature(String description, Span... spans) {
        this.description = description;
        this.spans = List.of(spans);
    }

    /**
     * Tells whether {@code version} has this behaviour.
     *
     * @param version the RKE version
     * @return true when one of the spans covers it (see the class comment for {@code dev} and pre-releases)
     */
    public boolean in(RkeVersion version) {
        for (Span s : spans) {
            if (s.covers(version)) {
                return true;
            }
        }
        return false;
    }

    /** @return what the behaviour is, in operator words */
    public String description() {
        return description;
    }

    /**
     * The versions where the behaviour starts, for texts: {@code v0.2.7}, or {@code v1.1.14 / v1.2.5} when it
     * arrived on two release lines.
     *
     * @return the first version of each span, joined with {@code " / "}
     */
    public String since() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            if (i == 0 || !spans.get(i).from.equals(spans.get(i - 1).to)) {
                out.add(spans.get(i).from.toString());
            }
        }
        return String.join(" / ", out);
    }

    /**
     * The versions with the behaviour, for texts and documentation, e.g. {@code v1.3.13–v1.3.14, v1.4.0–v1.4.2}.
     *
     * @return each span as {@code vX+} or {@code vX–vY} (inclusive), joined with {@code ", "}
     */
    public String versions() {
        return spans.stream().map(Span::toString).collect(Collectors.joining(", "));
    }

    /**
     * The first version that no longer has a closed-range behaviour (a fixed bug): {@code v1.3.15 / v1.4.3}.
     *
     * @return the exclusive end of each closed span, joined with {@code " / "}; empty when every span is open
     */
    public String fixedIn() {
        return spans.stream().filter(s -> s.to != null).map(s -> s.to.toString())
                .collect(Collectors.joining(" / "));
    }

    private static Span from(int major, int minor, int patch) {
        return new Span(RkeVersion.of(major, minor, patch), null);
    }

    private static Span span(int major, int minor, int patch, int toMajor, int toMinor, int toPatch) {
        return new Span(RkeVersion.of(major, minor, patch), RkeVersion.of(toMajor, toMinor, toPatch));
    }

    /** {@code from} inclusive up to {@code to} exclusive; {@code to == null} means open-ended. */
    private record Span(RkeVersion from, RkeVersion to) {
        boolean covers(RkeVersion v) {
            if (v.isDev()) {
                return to == null;
            }
            return v.isAtLeast(from.major(), from.minor(), from.patch())
                    && (to == null || !v.isAtLeast(to.major(), to.minor(), to.patch()));
        }

        @Override
        public String toString() {
            if (to == null) {
                return from + "+";
            }
            RkeVersion last = to.patch() > 0 ? RkeVersion.of(to.major(), to.minor(), to.patch() - 1) : null;
            return from + "–" + (last != null ? last.toString() : "v" + from.major() + "." + from.minor() + ".x");
        }
    }
}
