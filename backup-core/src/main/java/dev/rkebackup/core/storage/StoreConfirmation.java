package dev.rkebackup.core.storage;

import java.util.Objects;

/**
 * How a store confirmed, from its own record and without reading the object back, that an object it just wrote
 * holds exactly the bytes that were put: for example the MD5 an S3 server returned as the ETag of a single PUT, the
 * CRC32C it stored, or a local file's size after it was forced to disk.
 *
 * @param method a stable identifier such as {@code s3-etag-md5}, {@code s3-checksum-crc32c} or {@code fs-synced-size}
 * @param detail a human-readable explanation (the values compared), never a secret
 */
public record StoreConfirmation(String method, String detail) {
    /** The method used when an object was confirmed by downloading and hashing it again. */
    public static final String READ_BACK = "read-back";

    /** Validates the fields. */
    public StoreConfirmation {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(detail, "detail");
        if (method.isBlank()) {
            throw new IllegalArgumentException("method must not be blank");
        }
    }
}
