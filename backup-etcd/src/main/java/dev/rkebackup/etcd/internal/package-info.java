/** Implementation details of backup-etcd; not a published API. */
package dev.rkebackup.etcd.internal;
