package dev.rkebackup.s3;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.storage.ObjectKeys;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ReopenableContent;
import dev.rkebackup.core.storage.StoreConfirmation;
import dev.rkebackup.s3.internal.BufferPool;
import dev.rkebackup.s3.internal.ClientFactory;
import dev.rkebackup.s3.internal.S3Errors;
import dev.rkebackup.s3.internal.S3Requests;
import dev.rkebackup.s3.internal.Uploads;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} on an S3 bucket (AWS or any S3-compatible server), optionally under a key prefix.
 * Store key {@code a/b} is the S3 key {@code <prefix>/a/b}.
 *
 * <p>Objects up to the part size go up in one PUT; larger ones as multipart uploads whose parts are read from the
 * caller's stream and sent in parallel, each from a pooled buffer so a failed part is resent alone (or, up to
 * {@link S3ObjectStoreBuilder#multipartThreshold(long)}, in one PUT streamed from the caller). Upload memory is
 * bounded by {@code (concurrency + 1) × partSize} per store and capped to 60 % of the heap. A failed multipart
 * upload is aborted, so a failed {@link #put} leaves nothing visible and no parts behind (unless the server is
 * gone; see {@link #abortMultipartUploads(Instant)}).
 *
 * <p>Checksums: the client computes them only when an operation requires one ({@code WHEN_REQUIRED}), which every
 * S3-compatible server accepts. Each request body's SHA-256 is part of the request signature, so every SigV4 server
 * rejects a body damaged on the way (the part is then resent); {@link S3ObjectStoreBuilder#sha256Checksums(boolean)}
 * also sends it as {@code x-amz-checksum-sha256}, which AWS stores with the object. With
 * {@link S3ObjectStoreBuilder#signPayloads(boolean) signPayloads(false)} a CRC32C replaces the SHA-256 pass (faster;
 * catches damage, not tampering over plain http). The SHA-256 the backup repository records stays the source of
 * truth.
 *
 * <p>Thread-safe. {@link #close()} releases the client, connections and threads, except a client passed with
 * {@link S3ObjectStoreBuilder#client(S3Client)}, which its owner closes.
 *
 * <pre>{@code
 * try (S3ObjectStore store = S3ObjectStore.builder()
 *         .bucket("backups").prefix("rke/prod")
 *         .endpoint(URI.create("https://minio.example:9000")).customCaFile(Path.of("ca.pem"))
 *         .credentials(Secret.of(accessKey), Secret.of(secretKey))
 *         .build()) {
 *     store.put("snapshot.zip", in, length);
 * }
 * }</pre>
 */
public final class S3ObjectStore implements ObjectStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final S3ObjectStoreBuilder config;
    private final S3Client s3;
    private final S3Client streaming;
    private final SdkHttpClient http;
    private final boolean ownsClient;
    private final String bucket;
    private final String prefix;
    private final S3Errors.Context errors;
    private final BufferPool buffers;
    private final int partSize;
    private final ExecutorService executor;
    private final AtomicBoolean bucketChecked = new AtomicBoolean();
    /** What each put sent, until {@link #confirm} compares it with the server's record. */
    private final java.util.Map<String, Uploads.Sent> sent = new java.util.concurrent.ConcurrentHashMap<>();

    S3ObjectStore(S3ObjectStoreBuilder config, S3Client s3, S3Client streaming, SdkHttpClient http,
            boolean ownsClient, String region) {
        this.config = config;
        this.s3 = s3;
        this.streaming = streaming;
        this.http = http;
        this.ownsClient = ownsClient;
        this.bucket = config.bucket;
        this.prefix = config.prefix;
        String endpoint = config.endpoint == null ? (ownsClient ? "AWS S3 (" + region + ")" : "the caller's S3 client")
                : config.endpoint.toString();
        this.errors = new S3Errors.Context(describe(), endpoint, region, !config.customCas.isEmpty(),
                config.region != null);
        // Bounded memory: part buffers may take at most 60 % of the heap, whatever the settings say.
        long budget = Runtime.getRuntime().maxMemory() / 10 * 6;
        int part = config.partSize;
        int count = config.concurrency + 1;
        if ((long) count * part > budget) { // smaller parts first, so that parts still go in parallel
            part = (int) Math.max(5L * S3ObjectStoreBuilder.MIB, budget / count / S3ObjectStoreBuilder.MIB
                    * S3ObjectStoreBuilder.MIB);
            count = (int) Math.max(2, Math.min(count, budget / part));
            LOG.info("S3 upload buffers capped to {} x {} MiB for a {} MiB heap (configured: {} x {} MiB)", count,
                    part / S3ObjectStoreBuilder.MIB, Runtime.getRuntime().maxMemory() / S3ObjectStoreBuilder.MIB,
                    config.concurrency + 1, config.partSize / S3ObjectStoreBuilder.MIB);
        }
        this.partSize = part;
        this.buffers = new BufferPool(count);
        this.executor = Executors.newFixedThreadPool(config.concurrency, r -> {
            Thread th = new Thread(r, "rke-backup-s3-upload-" + THREADS.incrementAndGet());
            th.setDaemon(true);
            return th;
        });
    }

    /** Builds the store from a private copy of a builder's settings, checked by the builder. */
    static S3ObjectStore create(S3ObjectStoreBuilder b) {
        if (b.client != null) {
            Region region = b.client.serviceClientConfiguration().region();
            return new S3ObjectStore(b, b.client, b.client, null, false, region == null ? "?" : region.id());
        }
        boolean pathStyle = b.pathStyle != null ? b.pathStyle : b.endpoint != null;
        ClientFactory.Built built = ClientFactory.build(new ClientFactory.Settings(b.endpoint, b.region, pathStyle,
                b.customCas, b.insecure, b.accessKey, b.secretKey, b.sessionToken, Math.max(16, b.concurrency * 2),
                b.connectTimeout, b.socketTimeout, b.maxAttempts, b.signPayloads, b.httpWrapper));
        return new S3ObjectStore(b, built.s3(), built.streaming(), built.http(), true, built.region());
    }

    /**
     * Starts a builder.
     *
     * @return a new builder with defaults: AWS S3, detected region, default credential chain, 16 MiB parts,
     *         4 parts in parallel
     */
    public static S3ObjectStoreBuilder builder() {
        return new S3ObjectStoreBuilder();
    }

    /**
     * Returns the bucket.
     *
     * @return the bucket name
     */
    public String bucket() {
        return bucket;
    }

    /**
     * Returns the key prefix under which this store keeps its objects.
     *
     * @return the prefix without a trailing {@code /}, or {@code ""}
     */
    public String prefix() {
        return prefix;
    }

    /**
     * Returns the S3 key of a store key: {@code <prefix>/<key>}.
     *
     * @param key a store key
     * @return the key in the bucket
     * @throws InvalidInputException if the key is invalid
     */
    public String s3Key(String key) {
        ObjectKeys.validate(key);
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    @Override
    public void put(String key, InputStream content, long length) {
        String full = s3Key(key);
        if (length < 0) {
            throw new InvalidInputException("length must not be negative for '" + key + "': " + length);
        }
        sent.remove(full);
        try {
            remember(full, Uploads.upload(target(), key, full, content, length,
                    b -> S3Requests.putOptions(b, full, config.sse, config.storageClass),
                    b -> S3Requests.createOptions(b, full, config.sse, config.storageClass)));
        } catch (StorageException e) {
            throw diagnose(e);
        }
        LOG.debug("stored '{}' ({} bytes) in {}", key, length, errors.store());
    }

    /**
     * Stores content that can be opened again: up to 5 GiB as one PUT streamed from it (no part buffers, and no
     * multipart completion, which some servers pay for with a second write of the whole object), sent again from
     * a new opening when an attempt fails in a retryable way (a body the server found damaged, a dropped
     * connection); larger content as a multipart upload.
     */
    @Override
    public void put(String key, ReopenableContent content, long length) {
        String full = s3Key(key);
        if (length < 0) {
            throw new InvalidInputException("length must not be negative for '" + key + "': " + length);
        }
        sent.remove(full);
        try {
            remember(full, Uploads.upload(target(), key, full, content, length, config.maxAttempts,
                    b -> S3Requests.putOptions(b, full, config.sse, config.storageClass),
                    b -> S3Requests.createOptions(b, full, config.sse, config.storageClass)));
        } catch (StorageException e) {
            throw diagnose(e);
        }
        LOG.debug("stored '{}' ({} bytes, streamed from a reopenable source) in {}", key, length, errors.store());
    }

    private Uploads.Target target() {
        return new Uploads.Target(s3, streaming, bucket, buffers, executor, partSize,
                Math.max(partSize, config.multipartThreshold),
                config.sha256Checksums, !config.signPayloads && ownsClient, errors, etagIsMd5());
    }

    /** With SSE-KMS the ETag is not the MD5 of the body; with SSE-S3 (AES256) and without SSE it is. */
    private boolean etagIsMd5() {
        return !(config.sse instanceof ServerSideEncryption.Kms);
    }

    private void remember(String fullKey, Uploads.Sent what) {
        if (sent.size() > 10_000) { // confirm() was not called for many puts: forget, rather than grow
            sent.clear();
        }
        sent.put(fullKey, what);
    }

    /**
     * Confirms an object this store just put from S3's own record (a HEAD with checksum mode): the full-object
     * CRC32C the server stored, where it stores one ({@code s3-checksum-crc32c}), else the ETag, which S3 computes
     * as the MD5 of a single PUT ({@code s3-etag-md5}) or of the parts' MD5s ({@code s3-etag-multipart-md5}),
     * compared with what was computed while sending. Empty for keys this instance did not put and where the ETag is
     * not an MD5 (SSE-KMS).
     */
    @Override
    public Optional<StoreConfirmation> confirm(String key, long length) {
        String full = s3Key(key);
        Uploads.Sent what = sent.remove(full);
        if (what == null || what.length() != length) {
            return Optional.empty();
        }
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(bucket).key(full).checksumMode(ChecksumMode.ENABLED));
        } catch (NoSuchKeyException e) {
            throw new IntegrityException("'" + key + "' is not in " + errors.store() + " right after it was"
                    + " stored; check the server");
        } catch (SdkException e) {
            throw S3Errors.map("confirm", key, e, errors);
        }
        if (head.contentLength() == null || head.contentLength() != length) {
            throw new IntegrityException("'" + key + "' has " + head.contentLength() + " bytes in " + errors.store()
                    + " right after " + length + " were stored; check the server");
        }
        String crc = head.checksumCRC32C();
        if (crc != null && what.crc32c() != null && !String.valueOf(head.checksumTypeAsString()).equals("COMPOSITE")
                && !crc.contains("-")) {
            if (!crc.equals(what.crc32c())) {
                throw new IntegrityException("'" + key + "' has CRC32C " + crc + " in " + errors.store()
                        + " but " + what.crc32c() + " was sent; the stored copy is damaged: back up again");
            }
            return Optional.of(new StoreConfirmation("s3-checksum-crc32c", "the server's full-object CRC32C "
                    + crc + " equals the one computed while sending"));
        }
        if (!etagIsMd5() || config.sse != null && head.sseCustomerAlgorithm() != null) {
            return Optional.empty();
        }
        String etag = Uploads.unquote(head.eTag());
        if (!etag.equals(what.etag())) {
            if (etag.matches("[0-9a-f]{32}(-\\d+)?")) {
                throw new IntegrityException("'" + key + "' has ETag " + etag + " in " + errors.store() + " but "
                        + what.etag() + " is the MD5 of what was sent; the stored copy is damaged: back up again");
            }
            return Optional.empty(); // an ETag that is not an MD5: this server cannot confirm it
        }
        return Optional.of(etag.contains("-")
                ? new StoreConfirmation("s3-etag-multipart-md5", "the server's ETag " + etag
                        + " equals the MD5 of the parts' MD5s computed while sending")
                : new StoreConfirmation("s3-etag-md5", "the server's ETag " + etag
                        + " equals the MD5 computed while sending"));
    }

    @Override
    public InputStream openRange(String key, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative: " + offset + ", " + length);
        }
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        String full = s3Key(key);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(full).range("bytes=" + offset + "-" + (offset + length - 1)));
        } catch (SdkException e) {
            throw S3Errors.map("open", key, e, errors);
        }
    }

    /** True: over a network, several ranged GETs at once beat one stream. */
    @Override
    public boolean prefersParallelRangedReads() {
        return true;
    }

    @Override
    public InputStream open(String key) {
        String full = s3Key(key);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(full));
        } catch (SdkException e) {
            throw S3Errors.map("open", key, e, errors);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        String full = s3Key(key);
        try {
            HeadObjectResponse r = s3.headObject(b -> b.bucket(bucket).key(full));
            return Optional.of(new ObjectInfo(key, r.contentLength(), r.lastModified()));
        } catch (NoSuchKeyException e) {
            // HEAD has no body, so a missing bucket also reads as 404: find out once which it is
            verifyBucketOnce();
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 403 || e.statusCode() == 400) {
                verifyAccess(); // a GET-style request names the precise problem (which key is wrong, ...)
            }
            throw S3Errors.map("stat", key, e, errors);
        } catch (SdkException e) {
            throw S3Errors.map("stat", key, e, errors);
        }
    }

    @Override
    public List<ObjectInfo> list(String listPrefix) {
        ObjectKeys.validatePrefix(listPrefix);
        String full = prefix.isEmpty() ? listPrefix : prefix + "/" + listPrefix;
        List<ObjectInfo> result = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(full)).contents()) {
                toStoreKey(o.key()).ifPresent(k -> result.add(new ObjectInfo(k, o.size(), o.lastModified())));
            }
        } catch (SdkException e) {
            throw S3Errors.map("list", listPrefix.isEmpty() ? null : listPrefix, e, errors);
        }
        bucketChecked.set(true);
        result.sort((a, b) -> a.key().compareTo(b.key()));
        return List.copyOf(result);
    }

    private Optional<String> toStoreKey(String s3Key) {
        String key = prefix.isEmpty() ? s3Key : s3Key.startsWith(prefix + "/")
                ? s3Key.substring(prefix.length() + 1) : null;
        if (key == null || key.isEmpty() || key.endsWith("/")) {
            return Optional.empty(); // outside the prefix, or a "folder" marker made by some tools
        }
        try {
            return Optional.of(ObjectKeys.validate(key));
        } catch (InvalidInputException e) {
            LOG.debug("skipping S3 key '{}' that is not a valid store key", s3Key);
            return Optional.empty();
        }
    }

    @Override
    public void delete(Collection<String> keys) {
        List<String> full = new ArrayList<>();
        for (String k : keys) {
            full.add(s3Key(k));
        }
        S3Requests.deleteAll(s3, bucket, prefix, full, errors);
    }

    /**
     * Checks that the bucket exists and the credentials may list it, with a precise message if not (wrong access
     * key, wrong secret key, missing bucket, access denied, TLS or network trouble, region mismatch).
     *
     * @throws StorageException describing the problem and what to do
     */
    public void verifyAccess() {
        try {
            s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix.isEmpty() ? null : prefix + "/").maxKeys(1));
            bucketChecked.set(true);
        } catch (SdkException e) {
            throw S3Errors.map("access check", null, e, errors);
        }
    }

    /**
     * A server that rejects a request (wrong key, missing bucket) may close the connection while the body is still
     * being sent, which the client sees only as a broken pipe. A small request then finds the precise reason.
     */
    private StorageException diagnose(StorageException e) {
        if (!e.isRetryable() || !(e.getCause() instanceof SdkClientException)) {
            return e;
        }
        try {
            verifyAccess();
        } catch (StorageException precise) {
            if (!precise.isRetryable()) {
                precise.addSuppressed(e);
                return precise;
            }
        }
        return e;
    }

    private void verifyBucketOnce() {
        if (!bucketChecked.get()) {
            verifyAccess();
        }
    }

    /**
     * Lists multipart uploads under the store's prefix that were started and never completed or aborted,
     * for example by a process that was killed during an upload.
     *
     * @return the pending uploads, oldest first
     * @throws StorageException if the uploads cannot be listed
     */
    public List<MultipartUploadInfo> listMultipartUploads() {
        List<MultipartUploadInfo> result = new ArrayList<>();
        try {
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(
                    b -> b.bucket(bucket).prefix(prefix.isEmpty() ? null : prefix + "/")).uploads()) {
                String key = prefix.isEmpty() ? u.key() : u.key().substring(Math.min(u.key().length(),
                        prefix.length() + 1));
                result.add(new MultipartUploadInfo(key, u.uploadId(),
                        u.initiated() == null ? Instant.EPOCH : u.initiated()));
            }
        } catch (SdkException e) {
            throw S3Errors.map("list multipart uploads", null, e, errors);
        }
        result.sort((a, b) -> a.initiated().compareTo(b.initiated()));
        return List.copyOf(result);
    }

    /**
     * Aborts the pending multipart uploads under the prefix that were started before a time, removing their
     * stored parts. Use a time well in the past (such as a day ago) so that uploads still running are not hit.
     *
     * @param initiatedBefore abort uploads started before this instant
     * @return the number of uploads aborted
     * @throws StorageException if they cannot be listed or one cannot be aborted
     */
    public int abortMultipartUploads(Instant initiatedBefore) {
        int count = 0;
        for (MultipartUploadInfo u : listMultipartUploads()) {
            if (u.initiated().isBefore(initiatedBefore)) {
                String full = prefix.isEmpty() ? u.key() : prefix + "/" + u.key();
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(full).uploadId(u.uploadId()));
                } catch (SdkException e) {
                    throw S3Errors.map("abort multipart upload", u.key(), e, errors);
                }
                LOG.info("aborted stale multipart upload of '{}' started {} in {}", u.key(), u.initiated(),
                        errors.store());
                count++;
            }
        }
        return count;
    }

    @Override
    public String describe() {
        String where = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        if (config.endpoint != null) {
            return where + " (endpoint " + config.endpoint + ")";
        }
        return ownsClient ? where : where + " (caller's S3 client)";
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + describe() + "]";
    }

    /**
     * Returns a builder with this store's settings, for a variant of it. A caller-built client is carried over.
     *
     * @return a new builder
     */
    public S3ObjectStoreBuilder toBuilder() {
        return new S3ObjectStoreBuilder(config);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        buffers.clear();
        if (ownsClient) {
            s3.close();
            streaming.close();
            http.close();
        }
    }
}
