package dev.rkebackup.rke;

import dev.rkebackup.core.repository.ArtifactKind;

/** The kinds of artifact an RKE backup set holds. Their ids are what manifests carry. */
public final class RkeArtifacts {
    /** An etcd snapshot: the plain file, or RKE's {@code <name>.zip} from v0.2.5. */
    public static final ArtifactKind ETCD_SNAPSHOT = ArtifactKind.of("etcd-snapshot");
    /** The RKE cluster config ({@code cluster.yml}, {@code rancher-cluster.yml}). */
    public static final ArtifactKind CLUSTER_CONFIG = ArtifactKind.of("cluster-config");
    /** The {@code <config>.rkestate} state file (RKE v0.2.0+). */
    public static final ArtifactKind RKESTATE = ArtifactKind.of("rkestate");
    /** The {@code pki.bundle.tar.gz} certificate bundle (RKE v0.1.8 to v0.1.x). */
    public static final ArtifactKind PKI_BUNDLE = ArtifactKind.of("pki-bundle");
    /** The admin kubeconfig {@code kube_config_<config>}. */
    public static final ArtifactKind KUBECONFIG = ArtifactKind.of("kubeconfig");

    private RkeArtifacts() {
    }
}
