/**
 * Integrity checks for etcd snapshots as RKE stores them: plain bbolt files with the 32-byte SHA-256 trailer of the
 * etcd snapshot API, and RKE's zip ({@code /backup/<name>}, optional {@code /etc/kubernetes/<name>.rkestate}).
 * {@link dev.rkebackup.rke.snapshot.SnapshotVerifyingInputStream} checks while the bytes are copied.
 *
 * <p>Sub-package {@code internal} is not public API.
 */
package dev.rkebackup.rke.snapshot;
