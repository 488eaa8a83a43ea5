package dev.rkebackup.rke;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a restore needs and does on one RKE version, and the version-dependent advice printed around backups
 * (rke-facts sections 2.1, 4.1 and 5). Every answer is derived from {@link RkeFeature}; this is the one place that
 * turns the version table into completeness rules and texts, so {@code inspect}, {@code backup},
 * {@code prepare-restore} and the printed restore command cannot disagree.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * RestoreGuide guide = RestoreGuide.of(RkeVersion.parse("v1.0.8"));
 * guide.stateMayComeFromSnapshot(); // false: the local .rkestate is required
 * }</pre>
 */
public final class RestoreGuide {
    private final RkeVersion version;

    private RestoreGuide(RkeVersion version) {
        this.version = version;
    }

    /**
     * The guide for a version.
     *
     * @param version the RKE version that restores
     * @return the guide
     */
    public static RestoreGuide of(RkeVersion version) {
        return new RestoreGuide(Objects.requireNonNull(version, "version"));
    }

    /** @return the version this guide is for */
    public RkeVersion version() {
        return version;
    }

    /** @return true from v0.2.0: a restore needs {@code <config>.rkestate} (or, from v1.1.5, a snapshot with it) */
    public boolean needsStateFile() {
        return version.has(RkeFeature.STATE_FILE);
    }

    /** @return true for v0.1.8–v0.1.x: a restore needs {@code pki.bundle.tar.gz} in the snapshot directory */
    public boolean needsPkiBundle() {
        return version.has(RkeFeature.PKI_BUNDLE);
    }

    /**
     * Tells whether the state can come from inside the snapshot zip instead of the local {@code .rkestate}. Only
     * from v1.1.5 does {@code snapshot-restore} extract it; v0.2.0–v1.1.4 restores only with the file beside the
     * config, whatever the zip holds.
     *
     * @return true when a snapshot that carries the state makes the local file optional
     */
    public boolean stateMayComeFromSnapshot() {
        return version.has(RkeFeature.STATE_IN_SNAPSHOT);
    }

    /** @return true before v0.2.0: the snapshot must be on every etcd node (RKE copies nothing) */
    public boolean snapshotOnEveryNode() {
        return !version.has(RkeFeature.RESTORE_FROM_ONE_NODE);
    }

    /** @return what the restore needs of the snapshot, in operator words */
    public String snapshotNeed() {
        String file = "the etcd snapshot file " + version.snapshotFileName("<name>") + " in /opt/rke/etcd-snapshots";
        if (snapshotOnEveryNode()) {
            return file + " on every etcd node (copy it there; RKE " + version + " has no S3 and copies nothing)";
        }
        return file + " on at least one etcd node (RKE copies it to the others and compares checksums)"
                + ", or in S3 when the config uploads there";
    }

    /** @return what the restore needs of the cluster state, or empty when the version has no state file */
    public Optional<String> stateNeed() {
        if (!needsStateFile()) {
            return Optional.empty();
        }
        if (stateMayComeFromSnapshot()) {
            return Optional.of("cluster state: taken from the snapshot zip when it carries one, else the file "
                    + "<config>.rkestate next to the config");
        }
        return Optional.of("cluster state file <config>.rkestate next to the config (RKE " + version
                + " does not read it from the snapshot; that starts at " + RkeFeature.STATE_IN_SNAPSHOT.since() + ")");
    }

    /** @return what the restore needs of the certificate bundle, or empty outside v0.1.8–v0.1.x */
    public Optional<String> pkiBundleNeed() {
        return needsPkiBundle()
                ? Optional.of("certificate bundle pki.bundle.tar.gz in /opt/rke/etcd-snapshots (one readable copy on "
                        + "an etcd node suffices)")
                : Optional.empty();
    }

    /**
     * What running the restore does, for the line before the printed command.
     *
     * @param configFile the cluster config the restore runs with
     * @return e.g. "this stops etcd, wipes the cluster and rebuilds it from the snapshot"
     */
    public String effect(Path configFile) {
        if (snapshotOnEveryNode()) {
            return "this restores the etcd plane only; run `rke up --config " + configFile
                    + "` afterwards to bring the rest of the cluster back";
        }
        return "this stops etcd, wipes the cluster and rebuilds it from the snapshot";
    }

    /**
     * The text for a config without its {@code .rkestate} (inspection code {@code STATE_FILE_MISSING}).
     *
     * @param stateFile where RKE looks for it
     * @return what breaks on this version and how to recover the file
     */
    public String stateFileMissing(Path stateFile) {
        String save;
        if (version.has(RkeFeature.SAVE_WITHOUT_STATE_WARNS)) {
            save = "snapshot-save only warns and creates snapshots without the cluster state";
        } else if (version.has(RkeFeature.STATE_IN_SNAPSHOT)) {
            save = "snapshot-save waits for it on every host (about a minute each, rke#2492) and then creates "
                    + "snapshots without the cluster state";
        } else {
            save = "snapshots never carry the state on this version (embedding starts at "
                    + RkeFeature.STATE_IN_SNAPSHOT.since() + "), so the file is the only copy";
        }
        String recover = version.has(RkeFeature.GET_STATE_FILE)
                ? "Recover it with `rke util get-state-file` or copy it from where `rke up` ran."
                : "Copy it from where `rke up` ran (`rke util get-state-file` needs RKE "
                        + RkeFeature.GET_STATE_FILE.since() + ").";
        return "No state file " + stateFile + " next to the config. RKE " + version + " needs it for a restore; "
                + save + ". " + recover;
    }

    /**
     * The warning for turning recurring snapshots on without an interval, on versions whose default interval is
     * 5 minutes (v0.1.7–v0.1.11).
     *
     * @return the warning, or empty when the default is 12 hours
     */
    public Optional<String> shortDefaultInterval() {
        if (version.has(RkeFeature.RECURRING_ON_BY_DEFAULT) || !version.has(RkeFeature.SNAPSHOTS)) {
            return Optional.empty();
        }
        return Optional.of("RKE " + version + " takes a recurring snapshot every 5 minutes and keeps 24h unless "
                + "services.etcd.creation/retention say otherwise (the 12h/72h defaults start at "
                + RkeFeature.RECURRING_ON_BY_DEFAULT.since() + "). Give --interval-hours (e.g. 12) to set an "
                + "interval.");
    }
}
