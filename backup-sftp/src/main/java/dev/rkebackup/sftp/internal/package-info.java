/** Internals of the SFTP store; not a published API. */
package dev.rkebackup.sftp.internal;
