/**
 * Access to the files of one etcd node: {@link dev.rkebackup.rke.node.NodeAccess} with a local implementation
 * ({@link dev.rkebackup.rke.node.LocalNodeAccess}) and an SSH/SFTP one ({@link dev.rkebackup.rke.node.SshNodeAccess},
 * Apache MINA SSHD) that reaches nodes the way RKE does, described by a {@link dev.rkebackup.rke.node.NodeEndpoint}.
 *
 * <p>A collector typically opens one access per node (in parallel), {@code stat}s the snapshot, and streams it once
 * from {@code openRead} through a {@link dev.rkebackup.rke.snapshot.SnapshotVerifyingInputStream} into the store;
 * failures are {@link dev.rkebackup.rke.node.NodeAccessException}s classified by
 * {@link dev.rkebackup.rke.node.NodeAccessException.Problem}. Restore preparation uses
 * {@code writeAtomically} and {@code sha256}.
 *
 * <p>Sub-package {@code internal} is not public API.
 */
package dev.rkebackup.rke.node;
