/**
 * Running the {@code rke} CLI safely: {@link dev.rkebackup.rke.exec.RkeBinary} finds and identifies it,
 * {@link dev.rkebackup.rke.exec.RkeRunner} takes one-time etcd snapshots (local or S3), applies recurring snapshot
 * settings with {@code rke up}, and builds (then, on a separate call, runs) {@code rke etcd snapshot-restore}.
 *
 * <p>Outcomes are decided from the output and the exit code together ({@link dev.rkebackup.rke.exec.SnapshotStatus});
 * every run has a timeout; S3 keys stay off the command line unless the caller opts in; all output is redacted
 * before it is logged, kept or handed to a {@link dev.rkebackup.rke.exec.RkeOutputListener}.
 */
package dev.rkebackup.rke.exec;
