/**
 * Implementation details of {@code dev.rkebackup.rke.exec}: process running through commons-exec, logrus parsing,
 * redaction, private config copies, output analysis. Not a published API: it may change in any release.
 */
package dev.rkebackup.rke.exec.internal;
