/** Implementation details of the snapshot checks. Not public API: may change in any release. */
package dev.rkebackup.rke.snapshot.internal;
