package dev.rkebackup.core;

/**
 * Receives progress while artifacts move. Callbacks run on the thread that moves the data, so they must be fast and
 * must not throw; an exception thrown by a listener is caught and logged, never allowed to break a transfer.
 *
 * <p>A CLI draws a progress bar from these; an embedding tool exports them as metrics.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() { };

    /**
     * An artifact transfer starts.
     *
     * @param path the artifact's path within its set (or the object key)
     * @param totalBytes the expected size, or -1 if unknown
     */
    default void started(String path, long totalBytes) {
    }

    /**
     * More bytes of an artifact have moved.
     *
     * @param path the artifact's path
     * @param bytesSoFar the running total for this artifact
     * @param totalBytes the expected size, or -1 if unknown
     */
    default void progressed(String path, long bytesSoFar, long totalBytes) {
    }

    /**
     * An artifact transfer ended, successfully or not.
     *
     * @param path the artifact's path
     * @param bytes the bytes moved
     * @param success whether the transfer completed and checked out
     */
    default void finished(String path, long bytes, boolean success) {
    }
}
