package dev.rkebackup.core.repository;

import dev.rkebackup.core.IntegrityException;
import java.util.Locale;

/** What an artifact in a backup set is. The {@link #id()} is what manifests and JSON output carry. */
public enum ArtifactKind {
    /** An etcd snapshot: the plain file, or RKE's {@code <name>.zip} from v0.2.5. */
    ETCD_SNAPSHOT,
    /** The RKE cluster config ({@code cluster.yml}, {@code rancher-cluster.yml}). */
    CLUSTER_CONFIG,
    /** The {@code <config>.rkestate} state file (RKE v0.2.0+). */
    RKESTATE,
    /** The {@code pki.bundle.tar.gz} certificate bundle (RKE v0.1.8 to v0.1.x). */
    PKI_BUNDLE,
    /** The admin kubeconfig {@code kube_config_<config>}. */
    KUBECONFIG,
    /** Anything else. */
    OTHER;

    /**
     * The stable identifier, such as {@code etcd-snapshot}.
     *
     * @return the identifier
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Looks up a kind by {@link #id()}.
     *
     * @param id the identifier
     * @return the kind
     * @throws IntegrityException if no kind has that identifier
     */
    public static ArtifactKind fromId(String id) {
        for (ArtifactKind k : values()) {
            if (k.id().equals(id)) {
                return k;
            }
        }
        throw new IntegrityException("unknown artifact kind '" + id + "' in manifest;"
                + " the set was written by a newer rke-backup: upgrade to read it");
    }
}
