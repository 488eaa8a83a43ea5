/**
 * etcd-native backups of RKE1 clusters: snapshots through the etcd v3 API with the certificates of the
 * {@code .rkestate}, member agreement before the snapshot, restore drills into a throwaway local etcd, and the
 * restore run to the end with a health report. Classes under {@code internal} are not part of the API.
 */
package dev.rkebackup.etcd;
