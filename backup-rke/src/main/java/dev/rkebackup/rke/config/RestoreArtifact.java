package dev.rkebackup.rke.config;

import dev.rkebackup.rke.RestoreGuide;
import dev.rkebackup.rke.RkeVersion;

/** A file a complete restore needs, depending on the RKE version. */
public enum RestoreArtifact {
    /** The etcd snapshot ({@code <name>.zip} from v0.2.5, {@code <name>} before). */
    SNAPSHOT("the etcd snapshot file (from /opt/rke/etcd-snapshots on an etcd node, or from S3 when uploaded)"),
    /** The cluster config file itself. */
    CLUSTER_CONFIG("cluster config (cluster.yml)"),
    /** {@code <config basename>.rkestate} next to the config (v0.2.0+): certificates and cluster state. */
    STATE_FILE("cluster state file <config>.rkestate next to the config"),
    /** {@code pki.bundle.tar.gz} in {@code /opt/rke/etcd-snapshots} (v0.1.8–v0.1.x): the certificates. */
    PKI_BUNDLE("certificate bundle pki.bundle.tar.gz in /opt/rke/etcd-snapshots");

    private final String description;

    RestoreArtifact(String description) {
        this.description = description;
    }

    /**
     * The stable identifier used in JSON and manifests: {@code etcd-snapshot}, {@code cluster-config},
     * {@code rkestate}, {@code pki-bundle}.
     *
     * @return the identifier
     */
    public String id() {
        return switch (this) {
            case SNAPSHOT -> "etcd-snapshot";
            case CLUSTER_CONFIG -> "cluster-config";
            case STATE_FILE -> "rkestate";
            case PKI_BUNDLE -> "pki-bundle";
        };
    }

    /** @return a short human description, the same for every version */
    public String description() {
        return description;
    }

    /**
     * What a restore on {@code version} needs of this artifact, from {@link RestoreGuide}.
     *
     * @param version the RKE version that restores
     * @return the description in operator words
     */
    public String description(RkeVersion version) {
        RestoreGuide guide = RestoreGuide.of(version);
        return switch (this) {
            case SNAPSHOT -> guide.snapshotNeed();
            case CLUSTER_CONFIG -> description;
            case STATE_FILE -> guide.stateNeed().orElse(description);
            case PKI_BUNDLE -> guide.pkiBundleNeed().orElse(description);
        };
    }
}
