package dev.rkebackup.s3.internal;

import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.internal.BackgroundHashing;
import dev.rkebackup.core.storage.ReopenableContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
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
    /** Sends of one part whose ETag shows damage before the upload fails. */
    private static final int PART_ATTEMPTS = 3;
    /** S3's largest single PUT: 5 GiB. */
    private static final long MAX_SINGLE_PUT = 5L << 30;

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
     * @param etagIsMd5 whether the server's ETag of a part or single PUT is the MD5 of its body (not with SSE-KMS)
     */
    public record Target(S3Client s3, S3Client streaming, String bucket, BufferPool pool, ExecutorService executor,
            int partSize, long multipartThreshold, boolean sha256, boolean crc32c, S3Errors.Context errors,
            boolean etagIsMd5) {
        boolean sendCrc32c() {
            return crc32c && !sha256;
        }
    }

    /**
     * What was sent, for confirming the object from the server's record afterwards.
     *
     * @param etag the ETag S3 computes for these bytes sent this way: the MD5 in hex for a single PUT,
     *             {@code md5(part md5s)-N} for a multipart upload
     * @param crc32c the CRC32C of the whole object, base64, or {@code null} when not computed
     * @param length the object's length
     */
    public record Sent(String etag, String crc32c, long length) {
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
    public static Sent upload(Target t, String key, String fullKey, InputStream in, long length,
            UnaryOperator<PutObjectRequest.Builder> putOptions,
            UnaryOperator<CreateMultipartUploadRequest.Builder> createOptions) {
        long partSize = Math.max(t.partSize(), ceilDiv(length, MAX_PARTS));
        if (partSize > MAX_PART_SIZE) {
            throw StorageException.permanent("object '" + key + "' of " + length
                    + " bytes is larger than this store can upload (10,000 parts of at most 1 GiB); split it", null);
        }
        if (length <= partSize) {
            return putSingle(t, key, fullKey, in, (int) length, putOptions);
        } else if (length <= t.multipartThreshold()) {
            return putStreamed(t, key, fullKey, in, length, putOptions);
        } else {
            return new Multipart(t, key, fullKey, (int) partSize).run(in, length, createOptions);
        }
    }

    /**
     * Uploads content that can be opened again: up to {@link #MAX_SINGLE_PUT} bytes as one PUT streamed from the
     * content (no buffer; the fastest way to send a local file), opened again and resent when an attempt fails in a
     * way that may pass on a retry, such as a body the server found damaged. Larger content goes as a multipart
     * upload from one opening.
     *
     * @param t the target
     * @param key the key relative to the store, for messages
     * @param fullKey the S3 key
     * @param content opens the bytes; each stream is closed here
     * @param length the exact length
     * @param attempts how many times to send, at least 1
     * @param putOptions adds SSE, storage class and content type to a single PUT
     * @param createOptions adds the same to a multipart upload
     * @return what was sent by the attempt that succeeded
     */
    public static Sent upload(Target t, String key, String fullKey, ReopenableContent content, long length,
            int attempts, UnaryOperator<PutObjectRequest.Builder> putOptions,
            UnaryOperator<CreateMultipartUploadRequest.Builder> createOptions) {
        if (length > MAX_SINGLE_PUT || length <= t.partSize()) {
            try (InputStream in = open(content, key)) {
                return upload(t, key, fullKey, in, length, putOptions, createOptions);
            } catch (IOException e) {
                throw new StorageException("closing the content for '" + key + "' failed: " + e, e, false);
            }
        }
        for (int attempt = 1; ; attempt++) {
            try (InputStream in = open(content, key)) {
                return putStreamed(t, key, fullKey, in, length, putOptions);
            } catch (StorageException e) {
                if (!e.isRetryable() || attempt >= attempts) {
                    throw e;
                }
                LOG.debug("PUT of '{}' failed on attempt {} ({}); sending it again from its source", key, attempt,
                        e.getMessage());
            } catch (IOException e) {
                throw new StorageException("closing the content for '" + key + "' failed: " + e, e, false);
            }
        }
    }

    private static InputStream open(ReopenableContent content, String key) {
        try {
            return content.open();
        } catch (IOException e) {
            throw new StorageException("cannot open the content for '" + key + "': " + e + "; nothing was stored",
                    e, false);
        }
    }

    private static Sent putSingle(Target t, String key, String fullKey, InputStream in, int length,
            UnaryOperator<PutObjectRequest.Builder> putOptions) {
        byte[] buf = acquire(t, key, length);
        try {
            readPart(in, buf, length, 0, length, key);
            expectEnd(in, length, key);
            PutObjectRequest.Builder req = putOptions.apply(PutObjectRequest.builder()
                    .bucket(t.bucket()).key(fullKey).contentLength((long) length));
            String crc = crc32c(buf, length);
            if (t.sha256()) {
                req.checksumSHA256(sha256(buf, length));
            } else if (t.sendCrc32c()) {
                req.checksumCRC32C(crc);
            }
            t.s3().putObject(req.build(), body(buf, length));
            return new Sent(HexFormat.of().formatHex(md5(buf, length)), crc, length);
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
    private static Sent putStreamed(Target t, String key, String fullKey, InputStream in, long length,
            UnaryOperator<PutObjectRequest.Builder> putOptions) {
        ExactLengthInputStream exact = new ExactLengthInputStream(in, length, key);
        // MD5 (for the ETag) and CRC32C are computed on two other threads while the body is sent
        MessageDigest md5 = md5();
        CRC32C crc = new CRC32C();
        BackgroundHashing body = new BackgroundHashing(exact, List.of(List.of(md5::update), List.of(crc::update)));
        try {
            PutObjectRequest.Builder req = putOptions.apply(PutObjectRequest.builder().bucket(t.bucket())
                    .key(fullKey).contentLength(length));
            if (t.sendCrc32c()) { // the SDK computes it while sending and appends it as a trailer
                req.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
            }
            t.streaming().putObject(req.build(), RequestBody.fromInputStream(body, length));
        } catch (SdkException e) {
            body.cancel();
            if (exact.failure() != null) {
                throw exact.failure();
            }
            throw S3Errors.map("put", key, e, t.errors());
        } catch (RuntimeException e) { // for example the SDK's "stream does not support mark/reset"
            body.cancel();
            if (exact.failure() != null) {
                throw exact.failure();
            }
            throw StorageException.retryable("put of '" + key + "' in " + t.errors().store() + " failed: " + e
                    + "; the content was streamed and cannot be resent by the store: put it again", e);
        }
        if (exact.failure() != null) {
            body.cancel();
            throw exact.failure();
        }
        try {
            expectEnd(in, length, key);
            body.finish();
        } catch (StorageException | IOException e) { // already stored: take it back, so a bad put leaves nothing
            body.cancel();
            t.s3().deleteObject(b -> b.bucket(t.bucket()).key(fullKey));
            throw e instanceof StorageException se ? se
                    : new StorageException("hashing '" + key + "' failed: " + e + "; nothing was stored", e, false);
        }
        return new Sent(HexFormat.of().formatHex(md5.digest()), base64(crc.getValue()), length);
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
        return base64(crc.getValue());
    }

    /**
     * Strips the quotes S3 puts around an ETag.
     *
     * @param etag the ETag as returned, may be null
     * @return the bare value, or {@code ""}
     */
    public static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        String e = etag.strip();
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    private static String base64(long v) {
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16),
            (byte) (v >>> 8), (byte) v});
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5"); // what S3 computes for an ETag, not a security measure
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    static byte[] md5(byte[] buf, int length) {
        MessageDigest md = md5();
        md.update(buf, 0, length);
        return md.digest();
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
        private final java.util.Map<Integer, byte[]> partMd5s = new java.util.concurrent.ConcurrentHashMap<>();

        Multipart(Target t, String key, String fullKey, int partSize) {
            this.t = t;
            this.key = key;
            this.fullKey = fullKey;
            this.partSize = partSize;
        }

        Sent run(InputStream in, long length, UnaryOperator<CreateMultipartUploadRequest.Builder> createOptions) {
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
                MessageDigest all = md5();
                for (int i = 1; i <= parts.size(); i++) {
                    all.update(partMd5s.get(i));
                }
                return new Sent(HexFormat.of().formatHex(all.digest()) + "-" + parts.size(), null, length);
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
                byte[] md5 = md5(buf, n);
                partMd5s.put(number, md5);
                String expected = HexFormat.of().formatHex(md5);
                UploadPartResponse r = t.s3().uploadPart(req.build(), body(buf, n));
                // the server's ETag is the MD5 of what it received: a mismatch resends this part alone
                for (int attempt = 2; t.etagIsMd5() && !expected.equals(unquote(r.eTag())); attempt++) {
                    if (attempt > PART_ATTEMPTS) {
                        throw new StorageException("part " + number + " of '" + key + "' was stored by "
                                + t.errors().store() + " with ETag " + r.eTag() + " instead of the MD5 " + expected
                                + " of what was sent, " + PART_ATTEMPTS + " times; the network or the server damages"
                                + " data: check it, then put it again", null, true);
                    }
                    LOG.warn("part {} of '{}' arrived damaged (ETag {} instead of {}); sending it again", number,
                            key, r.eTag(), expected);
                    r = t.s3().uploadPart(req.build(), body(buf, n));
                }
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
