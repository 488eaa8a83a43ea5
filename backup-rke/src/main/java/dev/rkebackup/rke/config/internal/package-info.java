/**
 * Implementation details of {@code dev.rkebackup.rke.config}: bounded YAML composition, text surgery guided by parser
 * marks, unified diffs, atomic file writes, Go durations. Not a published API; do not use these types.
 */
package dev.rkebackup.rke.config.internal;
