package dev.rkebackup.core.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * Content that can be opened again from its start, such as a local file, so that a store can resend a body that
 * failed on the way without buffering it. Each call returns a new stream over the same bytes; the store closes
 * every stream it opens, and only the last one it opened is the one it stored.
 */
@FunctionalInterface
public interface ReopenableContent {
    /**
     * Opens the content from its first byte.
     *
     * @return a new stream; the caller (the store) closes it
     * @throws IOException if it cannot be opened
     */
    InputStream open() throws IOException;
}
