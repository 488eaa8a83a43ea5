/** Implementation details of {@code backup-crypto}: not a published API; do not use these classes directly. */
package dev.rkebackup.crypto.internal;
