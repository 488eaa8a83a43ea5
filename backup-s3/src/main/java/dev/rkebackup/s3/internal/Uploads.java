package dev.rkebackup.s3.internal;

import dev.rkebackup.core.StorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads one object: a single PUT from a pooled buffer when it fits in one part, a single PUT streamed from the
 * caller's stream below the multipart threshold (if one is set above the part size), otherwise a multipart upload
 * whose parts are read from the caller's stream one after another (the stream is sequential) and sent in parallel
 * on the store's executor. Each part sits in a pooled buffer, so the SDK can resend it on a retry, and memory stays
 * bounded by the pool. Any failure aborts the multipart upload after the parts in flight have ended, so no part
 * is added after the abort.
 */
public final class Uploads {
    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);
    /** S3 allows at most 10,000 parts. */
    private static final int MAX_PARTS = 10_000;
    /** S3 allows 5 GiB parts; a part must fit in one Java array here. */
    private static final long MAX_PART_SIZE = 1L << 30;

    /**
     * What an upload needs from its store.
     *
     * @param s3 the client
     * @param streaming the client for PUTs streamed from the caller's stream
     * @param bucket the bucket
     * @param pool part buffers
     * @param executor runs part uploads
     * @param partSize the configured part size (raised when an object would need more than 10,000 parts)
     * @param multipartThreshold objects above this size go up as multipart uploads
     * @param sha256 whether to send each body's SHA-256 in {@code x-amz-checksum-sha256} for the server to check
     * @param crc32c whether to send each body's CRC32C in {@code x-amz-checksum-crc32c} (a trailer for streamed
     *               PUTs), the cheap transport check when payloads are not signed; ignored with {@code sha256}
     * @param errors the error context
     */
    public record Target(S3Client s3, S3Client streaming, String bucket, BufferPool pool, ExecutorService executor,
            int partSize, long multipartThreshold, boolean sha256, boolean crc32c, S3Errors.Context errors) {
        boolean sendCrc32c() {
            return crc32c && !sha256;
        }
    }

    private Uploads() {
    }

    /**
     * Uploads {@code length} bytes from {@code in}.
     *
     * @param t the target
     * @param key the key relative to the store, for messages
     * @param fullKey the S3 key
     * @param in the caller's stream, read exactly to {@code length} bytes; not closed
     * @param length the exact length
     * @param putOptions adds SSE, storage class and content type to a single PUT
     * @param createOptions adds the same to a multipart upload
     */
    public static void upload(Target t, String key, String fullKey, InputStream in, long length,
            UnaryOperator<PutObjectRequest.Builder> putOptions,
            UnaryOperator<CreateMultipartUploadRequest.Builder> createOptions) {
        long partSize = Math.max(t.partSize(), ceilDiv(length, MAX_PARTS));
        if (partSize > MAX_PART_SIZE) {
            throw StorageException.permanent("object '" + key + "' of " + length
                    + " bytes is larger than this store can upload (10,000 parts of at most 1 GiB); split it", null);
        }
        if (length <= partSize) {
            putSingle(t, key, fullKey, in, (int) length, putOptions);
        } else if (length <= t.multipartThreshold()) {
            putStreamed(t, key, fullKey, in, length, putOptions);
        } else {
            new Multipart(t, key, fullKey, (int) partSize).run(in, length, createOptions);
        }
    }

    private static void putSingle(Target t, String key, String fullKey, InputStream in, int length,
            UnaryOperator<PutObjectRequest.Builder> putOptions) {
        byte[] buf = acquire(t, key, length);
        try {
            readPart(in, buf, length, 0, length, key);
            expectEnd(in, length, key);
            PutObjectRequest.Builder req = putOptions.apply(PutObjectRequest.builder()
                    .bucket(t.bucket()).key(fullKey).contentLength((long) length));
            if (t.sha256()) {
                req.checksumSHA256(sha256(buf, length));
            } else if (t.sendCrc32c()) {
                req.checksumCRC32C(crc32c(buf, length));
            }
            t.s3().putObject(req.build(), body(buf, length));
        } catch (SdkException e) {
            throw S3Errors.map("put", key, e, t.errors());
        } finally {
            t.pool().release(buf);
        }
    }

    /**
     * One PUT straight from the caller's stream: no buffer, and no retry once bytes were sent (the stream cannot be
     * rewound), so a failure is reported as retryable for the caller to put again. The SDK signs it in chunks.
     */
    private static void putStreamed(Target t, String key, String fullKey, InputStream in, long length,
            UnaryOperator<PutObjectRequest.Builder> putOptions) {
        ExactLengthInputStream body = new ExactLengthInputStream(in, length, key);
        try {
            PutObjectRequest.Builder req = putOptions.apply(PutObjectRequest.builder().bucket(t.bucket())
                    .key(fullKey).contentLength(length));
            if (t.sendCrc32c()) { // the SDK computes it while sending and appends it as a trailer
                req.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
            }
            t.streaming().putObject(req.build(), RequestBody.fromInputStream(body, length));
        } catch (SdkException e) {
            if (body.failure() != null) {
                throw body.failure();
            }
            throw S3Errors.map("put", key, e, t.errors());
        } catch (RuntimeException e) { // for example the SDK's "stream does not support mark/reset"
            if (body.failure() != null) {
                throw body.failure();
            }
            throw StorageException.retryable("put of '" + key + "' in " + t.errors().store() + " failed: " + e
                    + "; the content was streamed and cannot be resent by the store: put it again", e);
        }
        if (body.failure() != null) {
            throw body.failure();
        }
        try {
            expectEnd(in, length, key);
        } catch (StorageException e) { // already stored: take it back, so a bad put leaves nothing behind
            t.s3().deleteObject(b -> b.bucket(t.bucket()).key(fullKey));
            throw e;
        }
    }

    static RequestBody body(byte[] buf, int length) {
        // a new stream per attempt: the SDK re-reads the buffer on retries, with no copy
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buf, 0, length), length,
                "application/octet-stream");
    }

    static byte[] acquire(Target t, String key, int size) {
        try {
            return t.pool().acquire(size);
        } catch (OutOfMemoryError e) {
            throw StorageException.permanent("put of '" + key + "' needs part buffers of " + (size >> 20)
                    + " MiB, which this JVM's heap cannot hold; give it more heap (-Xmx) or lower the part size or"
                    + " concurrency; nothing was stored", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StorageException.retryable("put of '" + key + "' was interrupted; nothing was stored", e);
        }
    }

    /** Fills {@code buf[0..n)} from the stream; {@code done} bytes of the object came before. */
    static void readPart(InputStream in, byte[] buf, int n, long done, long length, String key) {
        int off = 0;
        try {
            while (off < n) {
                int r = in.read(buf, off, n - off);
                if (r < 0) {
                    throw StorageException.permanent("stream for '" + key + "' ended after " + (done + off) + " of "
                            + length + " bytes; nothing was stored", null);
                }
                off += r;
            }
        } catch (IOException e) {
            throw StorageException.permanent("reading the content for '" + key + "' failed after " + (done + off)
                    + " bytes: " + e + "; nothing was stored", e);
        }
    }

    static void expectEnd(InputStream in, long length, String key) {
        try {
            if (in.read() >= 0) {
                throw StorageException.permanent("stream for '" + key + "' has more than the declared " + length
                        + " bytes; nothing was stored", null);
            }
        } catch (IOException e) {
            throw StorageException.permanent("reading the content for '" + key + "' failed at its end: " + e
                    + "; nothing was stored", e);
        }
    }

    static String sha256(byte[] buf, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(buf, 0, length);
            return Base64.getEncoder().encodeToString(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static String crc32c(byte[] buf, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buf, 0, length);
        long v = crc.getValue();
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16),
            (byte) (v >>> 8), (byte) v});
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** One multipart upload. */
    private static final class Multipart {
        private final Target t;
        private final String key;
        private final String fullKey;
        private final int partSize;
        private final AtomicBoolean failed = new AtomicBoolean();

        Multipart(Target t, String key, String fullKey, int partSize) {
            this.t = t;
            this.key = key;
            this.fullKey = fullKey;
            this.partSize = partSize;
        }

        void run(InputStream in, long length, UnaryOperator<CreateMultipartUploadRequest.Builder> createOptions) {
            long started = System.nanoTime();
            String uploadId;
            try {
                CreateMultipartUploadRequest.Builder req = createOptions.apply(CreateMultipartUploadRequest.builder()
                        .bucket(t.bucket()).key(fullKey));
                if (t.sha256()) {
                    req.checksumAlgorithm(ChecksumAlgorithm.SHA256);
                } else if (t.sendCrc32c()) {
                    req.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
                }
                uploadId = t.s3().createMultipartUpload(req.build()).uploadId();
            } catch (SdkException e) {
                throw S3Errors.map("put", key, e, t.errors());
            }
            List<Future<CompletedPart>> futures = new ArrayList<>();
            try {
                long done = 0;
                int partNumber = 1;
                while (done < length && !failed.get()) {
                    int n = (int) Math.min(partSize, length - done);
                    byte[] buf = acquire(t, key, n);
                    try {
                        readPart(in, buf, n, done, length, key);
                    } catch (RuntimeException e) {
                        t.pool().release(buf);
                        throw e;
                    }
                    done += n;
                    int number = partNumber++;
                    futures.add(t.executor().submit(() -> uploadPart(uploadId, number, buf, n)));
                }
                if (!failed.get()) {
                    expectEnd(in, length, key);
                }
                List<CompletedPart> parts = new ArrayList<>();
                for (Future<CompletedPart> f : futures) {
                    parts.add(await(f));
                }
                parts.sort(Comparator.comparing(CompletedPart::partNumber));
                long partsDone = System.nanoTime();
                t.s3().completeMultipartUpload(b -> b.bucket(t.bucket()).key(fullKey).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
                LOG.debug("stored '{}' in {} parts of up to {} bytes; parts took {} ms, completing {} ms", key,
                        parts.size(), partSize, (partsDone - started) / 1_000_000,
                        (System.nanoTime() - partsDone) / 1_000_000);
            } catch (RuntimeException | Error e) {
                failed.set(true);
                for (Future<CompletedPart> f : futures) { // let parts in flight end, so none lands after the abort
                    try {
                        f.get();
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    } catch (ExecutionException ignored) {
                        // the first failure is the one reported
                    }
                }
                abort(uploadId, e);
                if (e instanceof SdkException sdk) {
                    throw S3Errors.map("put", key, sdk, t.errors());
                }
                throw e;
            }
        }

        private CompletedPart uploadPart(String uploadId, int number, byte[] buf, int n) {
            try {
                if (failed.get()) {
                    return null; // another part failed: skip the work, the upload is being aborted
                }
                UploadPartRequest.Builder req = UploadPartRequest.builder().bucket(t.bucket()).key(fullKey)
                        .uploadId(uploadId).partNumber(number).contentLength((long) n);
                String sum = null;
                String crc = null;
                if (t.sha256()) {
                    sum = sha256(buf, n);
                    req.checksumSHA256(sum);
                } else if (t.sendCrc32c()) {
                    crc = crc32c(buf, n);
                    req.checksumCRC32C(crc);
                }
                UploadPartResponse r = t.s3().uploadPart(req.build(), body(buf, n));
                return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumSHA256(sum)
                        .checksumCRC32C(crc).build();
            } catch (RuntimeException e) {
                failed.set(true);
                throw e;
            } finally {
                t.pool().release(buf);
            }
        }

        private CompletedPart await(Future<CompletedPart> f) {
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw StorageException.retryable("put of '" + key + "' was interrupted; nothing was stored", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw StorageException.retryable("part upload of '" + key + "' failed: " + c, c);
            }
        }

        private void abort(String uploadId, Throwable cause) {
            try {
                t.s3().abortMultipartUpload(b -> b.bucket(t.bucket()).key(fullKey).uploadId(uploadId));
                LOG.debug("aborted multipart upload of '{}' after a failure", key);
            } catch (SdkException e) {
                cause.addSuppressed(e);
                LOG.warn("multipart upload {} of '{}' in {} could not be aborted ({}); its parts stay stored until"
                        + " S3ObjectStore.abortMultipartUploads(..) or a bucket lifecycle rule removes them",
                        uploadId, key, t.errors().store(), e.getClass().getSimpleName());
            }
        }
    }
}
