/**
 * An {@link dev.rkebackup.core.storage.ObjectStore} on Amazon S3 and S3-compatible servers (MinIO, Ceph RGW,
 * Wasabi, s3proxy, private clouds with their own CA).
 *
 * <p>Entry points: {@link dev.rkebackup.s3.S3ObjectStore#builder()}, the {@code s3://} URI handled by
 * {@link dev.rkebackup.s3.S3ObjectStoreFactory} through {@link dev.rkebackup.core.storage.ObjectStores#open(String)},
 * and {@link dev.rkebackup.s3.RkeS3BackupConfig} for "store where my cluster's RKE snapshots go".
 * Types in {@code dev.rkebackup.s3.internal} are not a published API.
 */
package dev.rkebackup.s3;
