package dev.rkebackup.core.internal;

import dev.rkebackup.core.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls listeners so that a throwing listener never breaks a transfer. Internal: not a published API. */
public final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private Listeners() {
    }

    /**
     * Reports a start.
     *
     * @param l the listener
     * @param path the artifact
     * @param total the expected size
     */
    public static void started(ProgressListener l, String path, long total) {
        try {
            l.started(path, total);
        } catch (RuntimeException e) {
            LOG.warn("progress listener failed on start of {}: {}", path, e.toString());
        }
    }

    /**
     * Reports progress.
     *
     * @param l the listener
     * @param path the artifact
     * @param done bytes so far
     * @param total the expected size
     */
    public static void progressed(ProgressListener l, String path, long done, long total) {
        try {
            l.progressed(path, done, total);
        } catch (RuntimeException e) {
            LOG.warn("progress listener failed on {}: {}", path, e.toString());
        }
    }

    /**
     * Reports an end.
     *
     * @param l the listener
     * @param path the artifact
     * @param bytes bytes moved
     * @param ok whether it succeeded
     */
    public static void finished(ProgressListener l, String path, long bytes, boolean ok) {
        try {
            l.finished(path, bytes, ok);
        } catch (RuntimeException e) {
            LOG.warn("progress listener failed on end of {}: {}", path, e.toString());
        }
    }
}
