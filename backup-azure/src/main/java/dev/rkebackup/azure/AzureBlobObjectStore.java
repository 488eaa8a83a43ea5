package dev.rkebackup.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.rkebackup.azure.internal.AzureErrors;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.storage.ObjectKeys;
import dev.rkebackup.core.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link ObjectStore} on an Azure Blob Storage container (or Azurite). Key {@code a/b} is the block blob
 * {@code <prefix>/a/b}.
 *
 * <p>An object up to one block is uploaded with a single Put Blob. A larger one is cut into blocks that are staged
 * in parallel from a fixed set of buffers ({@code concurrency + 1} blocks of memory at most) and committed with one
 * Put Block List at the end: before the commit nothing is visible under the key, and a failed put leaves only
 * uncommitted blocks, which the service discards after a week or at the next commit (see
 * {@link #discardUncommitted}).
 *
 * <p>Credentials are a shared key, a SAS token or a connection string, all held as {@link Secret}s; no message,
 * log line or {@link #describe()} shows them. Thread-safe.
 */
public final class AzureBlobObjectStore implements ObjectStore {
    /** Default block size: 8 MiB. */
    public static final int DEFAULT_BLOCK_SIZE = 8 << 20;
    /** Default number of blocks staged at once. */
    public static final int DEFAULT_CONCURRENCY = 4;

    static {
        // The SDK sets Content-Length itself; without this the JDK client drops the header (it computes the same
        // value) and the SDK logs a warning on every request. Only set when the application has not chosen.
        if (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "content-length");
        }
    }

    private final BlobContainerClient container;
    private final String containerName;
    private final String prefix;
    private final String where;
    private final int blockSize;
    private final int concurrency;
    private final ExecutorService stagers;
    private final BlockingQueue<byte[]> buffers;
    private final AtomicInteger buffersMade = new AtomicInteger();

    private AzureBlobObjectStore(Builder b) {
        this.containerName = b.container;
        this.prefix = b.prefix;
        this.concurrency = b.concurrency;
        // The buffers (plus the HTTP client's copy of each block in flight) must fit a small heap: cap them to a
        // quarter of it, shrinking the block size (never below 1 MiB), as the S3 store does.
        long budget = Runtime.getRuntime().maxMemory() / 4;
        long cap = Math.max(1 << 20, (budget / (b.concurrency + 1)) >> 20 << 20);
        this.blockSize = (int) Math.min(b.blockSize, cap);
        URI endpoint = b.endpoint != null ? b.endpoint : URI.create("https://" + b.account + ".blob.core.windows.net");
        this.where = "azure://" + b.account + "/" + b.container + (prefix.isEmpty() ? "" : "/" + prefix)
                + (b.endpoint != null ? " (endpoint " + b.endpoint + ")" : "");
        HttpClient http = new JdkHttpClientBuilder().build();
        BlobServiceClientBuilder sb = new BlobServiceClientBuilder().httpClient(http)
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 4, (Integer) null, null, null,
                        null));
        if (b.connectionString != null) {
            sb.connectionString(b.connectionString.reveal());
            if (b.endpoint != null) {
                sb.endpoint(endpoint.toString());
            }
        } else {
            sb.endpoint(endpoint.toString());
            if (b.sasToken != null) {
                sb.sasToken(b.sasToken.reveal());
            } else {
                sb.credential(new StorageSharedKeyCredential(b.account, b.accountKey.reveal()));
            }
        }
        this.container = sb.buildClient().getBlobContainerClient(b.container);
        this.stagers = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "azure-stage-" + b.container);
            t.setDaemon(true);
            return t;
        });
        this.buffers = new ArrayBlockingQueue<>(concurrency + 1);
    }

    /**
     * Starts a builder.
     *
     * @param account the storage account name
     * @param container the container (must exist)
     * @return the builder
     */
    public static Builder builder(String account, String container) {
        return new Builder(account, container);
    }

    private void checkContainer() {
        // Listing one blob checks that the container exists and that the credentials may list it.
        try {
            container.listBlobs(new ListBlobsOptions().setMaxResultsPerPage(1), null).iterableByPage().iterator()
                    .hasNext();
        } catch (RuntimeException e) {
            throw AzureErrors.map("open", null, where, containerName, e);
        }
    }

    @Override
    public void put(String key, InputStream content, long length) {
        ObjectKeys.validate(key);
        if (length < 0) {
            throw new InvalidInputException("length must not be negative for '" + key + "': " + length);
        }
        BlockBlobClient blob = container.getBlobClient(name(key)).getBlockBlobClient();
        try {
            if (length <= blockSize) {
                byte[] all = readExactly(content, (int) length, key, true);
                blob.uploadWithResponse(new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(all)), null, null);
            } else {
                putBlocks(blob, key, content, length);
            }
        } catch (IOException | RuntimeException e) {
            throw AzureErrors.map("write", key, where, containerName, e);
        }
    }

    private void putBlocks(BlockBlobClient blob, String key, InputStream content, long length) throws IOException {
        String upload = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        List<Future<?>> staged = new ArrayList<>();
        boolean ok = false;
        try {
            long remaining = length;
            int index = 0;
            while (remaining > 0) {
                int n = (int) Math.min(blockSize, remaining);
                byte[] buf = takeBuffer();
                boolean handedOver = false;
                try {
                    fill(content, buf, n, key, length - remaining);
                    String id = Base64.getEncoder().encodeToString(
                            String.format("rkb-%s-%08d", upload, index++).getBytes(StandardCharsets.US_ASCII));
                    ids.add(id);
                    staged.add(stagers.submit(() -> {
                        try {
                            blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id,
                                    BinaryData.fromByteBuffer(ByteBuffer.wrap(buf, 0, n))), null, null);
                        } finally {
                            buffers.offer(buf);
                        }
                        return null;
                    }));
                    handedOver = true;
                } finally {
                    if (!handedOver) {
                        buffers.offer(buf);
                    }
                }
                remaining -= n;
                firstFailure(staged, false);
            }
            if (content.read() >= 0) {
                throw new StorageException("stream for '" + key + "' has more than the declared " + length
                        + " bytes; nothing was stored", null, false);
            }
            firstFailure(staged, true);
            blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(ids), null, null);
            ok = true;
        } finally {
            if (!ok) {
                staged.forEach(f -> f.cancel(false)); // running stages finish and return their buffers
            }
        }
    }

    private byte[] takeBuffer() {
        byte[] b = buffers.poll();
        if (b != null) {
            return b;
        }
        if (buffersMade.incrementAndGet() <= concurrency + 1) {
            return new byte[blockSize];
        }
        buffersMade.decrementAndGet();
        try {
            return buffers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while uploading to " + where, e, true);
        }
    }

    private static void firstFailure(List<Future<?>> staged, boolean waitAll) throws IOException {
        for (Future<?> f : staged) {
            if (!waitAll && !f.isDone()) {
                continue;
            }
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while staging blocks", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException(c);
            }
        }
    }

    private static void fill(InputStream in, byte[] buf, int n, String key, long before) throws IOException {
        int got = 0;
        while (got < n) {
            int r = in.read(buf, got, n - got);
            if (r < 0) {
                throw new StorageException("stream for '" + key + "' ended after " + (before + got)
                        + " bytes, fewer than declared; nothing was stored", null, false);
            }
            got += r;
        }
    }

    private static byte[] readExactly(InputStream in, int n, String key, boolean checkEnd) throws IOException {
        byte[] buf = new byte[n];
        fill(in, buf, n, key, 0);
        if (checkEnd && in.read() >= 0) {
            throw new StorageException("stream for '" + key + "' has more than the declared " + n
                    + " bytes; nothing was stored", null, false);
        }
        return buf;
    }

    @Override
    public InputStream open(String key) {
        ObjectKeys.validate(key);
        try {
            return container.getBlobClient(name(key)).openInputStream(new BlobInputStreamOptions()
                    .setBlockSize(Math.min(blockSize, 4 << 20)));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 && !"ContainerNotFound".equals(String.valueOf(e.getErrorCode()))) {
                throw new ObjectNotFoundException(key, where);
            }
            throw AzureErrors.map("open", key, where, containerName, e);
        } catch (RuntimeException e) {
            throw AzureErrors.map("open", key, where, containerName, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        ObjectKeys.validate(key);
        try {
            BlobProperties p = container.getBlobClient(name(key)).getProperties();
            return Optional.of(new ObjectInfo(key, p.getBlobSize(), p.getLastModified().toInstant()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 && !"ContainerNotFound".equals(String.valueOf(e.getErrorCode()))) {
                return Optional.empty();
            }
            throw AzureErrors.map("stat", key, where, containerName, e);
        } catch (RuntimeException e) {
            throw AzureErrors.map("stat", key, where, containerName, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String listPrefix) {
        ObjectKeys.validatePrefix(listPrefix);
        List<ObjectInfo> result = new ArrayList<>();
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(name(listPrefix)), null)) {
                String key = keyOf(item.getName());
                if (key != null && item.getProperties() != null) {
                    Instant modified = item.getProperties().getLastModified() == null ? Instant.EPOCH
                            : item.getProperties().getLastModified().toInstant();
                    long size = item.getProperties().getContentLength() == null ? 0
                            : item.getProperties().getContentLength();
                    result.add(new ObjectInfo(key, size, modified));
                }
            }
        } catch (RuntimeException e) {
            throw AzureErrors.map("list", listPrefix, where, containerName, e);
        }
        result.sort(Comparator.comparing(ObjectInfo::key));
        return result;
    }

    @Override
    public void delete(Collection<String> keys) {
        keys.forEach(ObjectKeys::validate);
        for (String key : keys) {
            try {
                container.getBlobClient(name(key)).deleteIfExists();
            } catch (RuntimeException e) {
                throw AzureErrors.map("delete", key, where, containerName, e);
            }
        }
    }

    /**
     * Lists blobs under the prefix that have only uncommitted blocks (a put that was interrupted before its
     * commit), with the time of the listing entry.
     *
     * @param listPrefix a key prefix, {@code ""} for everything
     * @return the keys with uncommitted blocks and no committed content, sorted
     */
    public List<String> uncommitted(String listPrefix) {
        ObjectKeys.validatePrefix(listPrefix);
        List<String> result = new ArrayList<>();
        try {
            ListBlobsOptions o = new ListBlobsOptions().setPrefix(name(listPrefix))
                    .setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(true));
            for (BlobItem item : container.listBlobs(o, null)) {
                String key = keyOf(item.getName());
                Long len = item.getProperties() == null ? null : item.getProperties().getContentLength();
                boolean committed = container.getBlobClient(item.getName()).exists();
                if (key != null && !committed && (len == null || len == 0)) {
                    result.add(key);
                }
            }
        } catch (RuntimeException e) {
            throw AzureErrors.map("list uncommitted blocks", listPrefix, where, containerName, e);
        }
        result.sort(Comparator.naturalOrder());
        return result;
    }

    /**
     * Removes the uncommitted blocks an interrupted put left under a key that has no committed blob: commits an
     * empty block list (which drops every uncommitted block) and deletes the empty blob. A key that meanwhile has
     * committed content is left alone.
     *
     * @param key the key
     * @throws StorageException if the service refuses
     */
    public void discardUncommitted(String key) {
        ObjectKeys.validate(key);
        BlockBlobClient blob = container.getBlobClient(name(key)).getBlockBlobClient();
        try {
            if (blob.exists()) {
                return;
            }
            com.azure.storage.blob.models.BlobRequestConditions ifAbsent =
                    new com.azure.storage.blob.models.BlobRequestConditions().setIfNoneMatch("*");
            blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(List.of())
                    .setRequestConditions(ifAbsent), null, null);
            blob.deleteIfExists();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                return; // someone committed the blob in the meantime: not a leftover
            }
            throw AzureErrors.map("discard uncommitted blocks of", key, where, containerName, e);
        } catch (RuntimeException e) {
            throw AzureErrors.map("discard uncommitted blocks of", key, where, containerName, e);
        }
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        stagers.shutdownNow();
    }

    @Override
    public String toString() {
        return "AzureBlobObjectStore[" + where + "]";
    }

    private String name(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    private String keyOf(String blobName) {
        String key = blobName;
        if (!prefix.isEmpty()) {
            if (!blobName.startsWith(prefix + "/")) {
                return null;
            }
            key = blobName.substring(prefix.length() + 1);
        }
        try {
            return ObjectKeys.validate(key);
        } catch (InvalidInputException e) {
            return null; // a blob name that is no valid key (e.g. "a//b") is not ours
        }
    }

    /** Builds an {@link AzureBlobObjectStore}. Not thread-safe; {@code toString()} shows no credential. */
    public static final class Builder {
        private final String account;
        private final String container;
        private String prefix = "";
        private URI endpoint;
        private Secret accountKey;
        private Secret sasToken;
        private Secret connectionString;
        private int blockSize = DEFAULT_BLOCK_SIZE;
        private int concurrency = DEFAULT_CONCURRENCY;

        private Builder(String account, String container) {
            if (account == null || !account.matches("[a-z0-9]{3,24}")) {
                throw new InvalidInputException("Azure storage account name '" + account + "' is invalid: 3 to 24"
                        + " lower-case letters and digits");
            }
            if (container == null || !container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
                throw new InvalidInputException("Azure container name '" + container + "' is invalid: 3 to 63"
                        + " lower-case letters, digits and single hyphens, starting and ending with a letter or digit");
            }
            this.account = account;
            this.container = container;
        }

        /**
         * Key prefix inside the container (slashes at either end are removed).
         *
         * @param value the prefix, may be empty
         * @return this builder
         */
        public Builder prefix(String value) {
            String p = Objects.requireNonNull(value, "prefix");
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!p.isEmpty()) {
                ObjectKeys.validate(p);
            }
            this.prefix = p;
            return this;
        }

        /**
         * The blob service endpoint, e.g. {@code http://127.0.0.1:10000/devstoreaccount1} for Azurite (default
         * {@code https://ACCOUNT.blob.core.windows.net}).
         *
         * @param value the endpoint
         * @return this builder
         */
        public Builder endpoint(URI value) {
            String s = Objects.requireNonNull(value, "endpoint").getScheme();
            if (!"https".equals(s) && !"http".equals(s) || value.getHost() == null) {
                throw new InvalidInputException("the Azure endpoint must be an http(s) URL with a host, e.g."
                        + " https://ACCOUNT.blob.core.windows.net");
            }
            if (value.getRawQuery() != null) {
                throw new InvalidInputException("the Azure endpoint must not have a query; give a SAS token in"
                        + " AZURE_STORAGE_SAS_TOKEN instead");
            }
            this.endpoint = value;
            return this;
        }

        /**
         * Authenticates with the account key.
         *
         * @param value the base64 account key
         * @return this builder
         */
        public Builder accountKey(Secret value) {
            this.accountKey = Objects.requireNonNull(value, "accountKey");
            return this;
        }

        /**
         * Authenticates with a SAS token (with or without the leading {@code ?}).
         *
         * @param value the token
         * @return this builder
         */
        public Builder sasToken(Secret value) {
            this.sasToken = Objects.requireNonNull(value, "sasToken");
            return this;
        }

        /**
         * Authenticates with a connection string (which also names the endpoint).
         *
         * @param value the connection string
         * @return this builder
         */
        public Builder connectionString(Secret value) {
            this.connectionString = Objects.requireNonNull(value, "connectionString");
            return this;
        }

        /**
         * Block size for large objects (default 8 MiB); also the largest object sent with one request.
         *
         * @param value 1 MiB to 256 MiB
         * @return this builder
         */
        public Builder blockSize(int value) {
            if (value < (1 << 20) || value > (256 << 20)) {
                throw new InvalidInputException("the Azure block size must be 1..256 MiB, not " + value + " bytes");
            }
            this.blockSize = value;
            return this;
        }

        /**
         * Blocks staged at once (default 4); memory use is about {@code (concurrency + 1) * blockSize}.
         *
         * @param value 1..32
         * @return this builder
         */
        public Builder concurrency(int value) {
            if (value < 1 || value > 32) {
                throw new InvalidInputException("the Azure upload concurrency must be 1..32, not " + value);
            }
            this.concurrency = value;
            return this;
        }

        /**
         * Builds the store and checks that the container exists and can be listed with the credentials.
         *
         * @return the store; close it
         * @throws InvalidInputException if no credential is set
         * @throws StorageException if the container is missing or the credentials are refused
         */
        public AzureBlobObjectStore build() {
            int given = (accountKey != null ? 1 : 0) + (sasToken != null ? 1 : 0) + (connectionString != null ? 1 : 0);
            if (given == 0) {
                throw new InvalidInputException("no Azure credentials for account '" + account + "': set"
                        + " AZURE_STORAGE_KEY (with AZURE_STORAGE_ACCOUNT), AZURE_STORAGE_SAS_TOKEN or"
                        + " AZURE_STORAGE_CONNECTION_STRING");
            }
            if (given > 1) {
                throw new InvalidInputException("more than one kind of Azure credential is set (account key, SAS"
                        + " token, connection string); set only one");
            }
            AzureBlobObjectStore store = new AzureBlobObjectStore(this);
            try {
                store.checkContainer();
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        }

        @Override
        public String toString() {
            return "AzureBlobObjectStore.Builder[" + account + "/" + container + "]";
        }
    }
}
