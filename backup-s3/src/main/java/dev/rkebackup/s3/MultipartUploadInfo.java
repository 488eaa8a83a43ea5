package dev.rkebackup.s3;

import java.time.Instant;
import java.util.Objects;

/**
 * A multipart upload that was started under the store's prefix and neither completed nor aborted. Its parts are
 * invisible but still stored (and billed) until it is aborted; see {@link S3ObjectStore#abortMultipartUploads}.
 *
 * @param key the object key the upload was for, relative to the store's prefix
 * @param uploadId the server's id of the upload
 * @param initiated when the upload was started
 */
public record MultipartUploadInfo(String key, String uploadId, Instant initiated) {
    /** Validates the fields. */
    public MultipartUploadInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(uploadId, "uploadId");
        Objects.requireNonNull(initiated, "initiated");
    }
}
