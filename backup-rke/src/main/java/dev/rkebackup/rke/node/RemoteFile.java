package dev.rkebackup.rke.node;

import java.util.Objects;

/**
 * What {@link NodeAccess#stat} and {@link NodeAccess#list} report about a file on a node.
 *
 * @param path absolute path on the node
 * @param size size in bytes (0 for directories on some servers)
 * @param owner owner name when the node reports one, else {@code uid <n>} ({@code root} for uid 0)
 * @param mode permission bits, e.g. {@code 0600}
 * @param directory whether it is a directory
 */
public record RemoteFile(String path, long size, String owner, int mode, boolean directory) {

    /** Validates the components. */
    public RemoteFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(owner, "owner");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }

    /**
     * The file name (last path element).
     *
     * @return the name
     */
    public String name() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /**
     * The permission bits as four octal digits, e.g. {@code 0600}.
     *
     * @return the octal mode
     */
    public String octalMode() {
        return String.format("%04o", mode & 07777);
    }
}
