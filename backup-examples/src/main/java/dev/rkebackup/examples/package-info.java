/**
 * Example programs that use only the public API of rke-backup: {@link dev.rkebackup.examples.OneTimeS3Backup} (a
 * one-time backup to S3), {@link dev.rkebackup.examples.RecurringBackup} (a scheduled loop with retention and
 * verification that survives failed runs) and {@link dev.rkebackup.examples.PrepareRestore} (the same verified
 * snapshot on every etcd node, then the restore command). Each is a plain {@code main} class in
 * {@code rke-backup.jar}: {@code java -cp rke-backup.jar dev.rkebackup.examples.OneTimeS3Backup ...}.
 */
package dev.rkebackup.examples;
