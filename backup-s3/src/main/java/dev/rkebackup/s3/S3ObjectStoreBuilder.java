package dev.rkebackup.s3;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.core.storage.ObjectKeys;
import dev.rkebackup.s3.internal.PemTrust;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Configures an {@link S3ObjectStore}; get one from {@link S3ObjectStore#builder()}. Each setter checks its argument
 * at once; {@link #build()} checks that the settings fit together and names what is missing. Not thread-safe; one
 * builder can build several independent stores.
 *
 * <p>Defaults: AWS S3 with the region detected, virtual-host addressing (path-style once an endpoint is set),
 * the SDK's default credential chain, system CAs, 16 MiB parts, 4 parts in parallel, 4 attempts per request.
 */
public final class S3ObjectStoreBuilder {
    static final int MIB = 1024 * 1024;

    String bucket;
    String prefix = "";
    URI endpoint;
    String region;
    Boolean pathStyle;
    final List<X509Certificate> customCas = new ArrayList<>();
    boolean insecure;
    Secret accessKey;
    Secret secretKey;
    Secret sessionToken;
    ServerSideEncryption sse;
    String storageClass;
    S3Client client;
    int partSize = 16 * MIB;
    int concurrency = 4;
    int maxAttempts = 4;
    long multipartThreshold;
    Duration connectTimeout = Duration.ofSeconds(10);
    Duration socketTimeout = Duration.ofSeconds(60);
    boolean sha256Checksums;
    boolean signPayloads = true;
    UnaryOperator<SdkHttpClient> httpWrapper = UnaryOperator.identity();

    S3ObjectStoreBuilder() {
    }

    S3ObjectStoreBuilder(S3ObjectStoreBuilder o) {
        bucket = o.bucket;
        prefix = o.prefix;
        endpoint = o.endpoint;
        region = o.region;
        pathStyle = o.pathStyle;
        customCas.addAll(o.customCas);
        insecure = o.insecure;
        accessKey = o.accessKey;
        secretKey = o.secretKey;
        sessionToken = o.sessionToken;
        sse = o.sse;
        storageClass = o.storageClass;
        client = o.client;
        partSize = o.partSize;
        concurrency = o.concurrency;
        maxAttempts = o.maxAttempts;
        multipartThreshold = o.multipartThreshold;
        connectTimeout = o.connectTimeout;
        socketTimeout = o.socketTimeout;
        sha256Checksums = o.sha256Checksums;
        signPayloads = o.signPayloads;
        httpWrapper = o.httpWrapper;
    }

    /**
     * Sets the bucket (required).
     *
     * @param bucket an S3 bucket name: 3-63 characters of lower-case letters, digits, {@code .}, {@code -}, {@code _}
     * @return this builder
     * @throws InvalidInputException if the name is not a valid bucket name
     */
    public S3ObjectStoreBuilder bucket(String bucket) {
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]")) {
            throw new InvalidInputException("invalid S3 bucket name '" + bucket + "': use 3-63 lower-case letters,"
                    + " digits, '.', '-' or '_', starting and ending with a letter or digit");
        }
        this.bucket = bucket;
        return this;
    }

    /**
     * Sets the key prefix ("folder") under which the store keeps its objects.
     *
     * @param prefix a relative path such as {@code rke/prod}; leading and trailing {@code /} are removed;
     *               {@code ""} for the bucket's root
     * @return this builder
     * @throws InvalidInputException if the prefix contains {@code ..}, empty segments or control characters
     */
    public S3ObjectStoreBuilder prefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix (use \"\" for the bucket root)");
        String p = prefix;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        this.prefix = p.isEmpty() ? p : ObjectKeys.validate(p);
        return this;
    }

    /**
     * Sets the endpoint of an S3-compatible server, instead of AWS S3. Buckets are then addressed path-style
     * unless {@link #pathStyle(boolean)} says otherwise.
     *
     * @param endpoint {@code http://host:port} or {@code https://host:port}, without credentials, path or query
     * @return this builder
     * @throws InvalidInputException if the URI is not a plain http(s) endpoint
     */
    public S3ObjectStoreBuilder endpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
            // user info is left out of the message: it may hold a secret
            throw new InvalidInputException("invalid S3 endpoint '" + scheme + "://" + endpoint.getHost()
                    + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + "': give http://host:port"
                    + " or https://host:port");
        }
        if (endpoint.getUserInfo() != null) {
            throw new InvalidInputException("the S3 endpoint must not contain credentials; pass them with"
                    + " credentials(..) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
        }
        if (endpoint.getQuery() != null || endpoint.getRawPath() != null && !endpoint.getRawPath().isEmpty()
                && !endpoint.getRawPath().equals("/")) {
            throw new InvalidInputException("invalid S3 endpoint '" + scheme + "://" + endpoint.getAuthority()
                    + endpoint.getRawPath() + "': remove the path and query; give the bucket and prefix separately");
        }
        this.endpoint = URI.create(scheme + "://" + endpoint.getRawAuthority());
        return this;
    }

    /**
     * Sets the region requests are signed for. Without it the region comes from {@code aws.region} /
     * {@code AWS_REGION} / the AWS profile (AWS only), else {@code us-east-1}, and the client follows the
     * bucket's region when the server says it is elsewhere.
     *
     * @param region a region such as {@code eu-west-1}
     * @return this builder
     * @throws InvalidInputException if the region is blank or malformed
     */
    public S3ObjectStoreBuilder region(String region) {
        if (region == null || !region.matches("[a-zA-Z0-9-]{1,64}")) {
            throw new InvalidInputException("invalid S3 region '" + region + "': use a name such as us-east-1");
        }
        this.region = region;
        return this;
    }

    /**
     * Chooses path-style ({@code https://host/bucket/key}) or virtual-host ({@code https://bucket.host/key})
     * addressing. Most S3-compatible servers and every IP-address endpoint need path-style.
     *
     * @param pathStyle true for path-style
     * @return this builder
     */
    public S3ObjectStoreBuilder pathStyle(boolean pathStyle) {
        this.pathStyle = pathStyle;
        return this;
    }

    /**
     * Trusts the CA certificates in PEM text in addition to the system CAs (RKE's {@code custom_ca}).
     *
     * @param pem one or more {@code -----BEGIN CERTIFICATE-----} blocks
     * @return this builder
     * @throws InvalidInputException if the text holds no valid certificate
     */
    public S3ObjectStoreBuilder customCaPem(String pem) {
        customCas.addAll(PemTrust.parse(pem, "customCaPem"));
        return this;
    }

    /**
     * Trusts the CA certificates in a PEM file in addition to the system CAs. The file is read now.
     *
     * @param file a PEM file
     * @return this builder
     * @throws InvalidInputException if the file cannot be read or holds no certificate
     */
    public S3ObjectStoreBuilder customCaFile(Path file) {
        customCas.addAll(PemTrust.read(Objects.requireNonNull(file, "file")));
        return this;
    }

    /**
     * Skips TLS certificate and host name verification. For tests only: anyone on the network path can then read
     * and change backups. A warning is logged when a store is built with it.
     *
     * @param insecure true to skip verification
     * @return this builder
     */
    public S3ObjectStoreBuilder insecureSkipTlsVerify(boolean insecure) {
        this.insecure = insecure;
        return this;
    }

    /**
     * Uses static credentials instead of the SDK's default chain.
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key
     * @return this builder
     * @throws InvalidInputException if either is empty (the message says which)
     */
    public S3ObjectStoreBuilder credentials(Secret accessKeyId, Secret secretAccessKey) {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        if (accessKeyId.isEmpty() || secretAccessKey.isEmpty()) {
            throw new InvalidInputException("the S3 " + (accessKeyId.isEmpty() ? "access key id" : "secret key")
                    + " is empty; give both keys, or neither to use the default credential chain"
                    + " (environment, profile, instance role)");
        }
        this.accessKey = accessKeyId;
        this.secretKey = secretAccessKey;
        return this;
    }

    /**
     * Adds a session token to static credentials (temporary STS credentials).
     *
     * @param token the session token
     * @return this builder
     */
    public S3ObjectStoreBuilder sessionToken(Secret token) {
        this.sessionToken = Objects.requireNonNull(token, "token");
        return this;
    }

    /**
     * Uses the SDK's default credential chain (system properties, environment, web identity, profile, container
     * and instance roles); the default. Clears credentials set before.
     *
     * @return this builder
     */
    public S3ObjectStoreBuilder defaultCredentials() {
        this.accessKey = null;
        this.secretKey = null;
        this.sessionToken = null;
        return this;
    }

    /**
     * Asks the server to encrypt every object it stores.
     *
     * @param sse AES256 or KMS
     * @return this builder
     */
    public S3ObjectStoreBuilder serverSideEncryption(ServerSideEncryption sse) {
        this.sse = Objects.requireNonNull(sse, "sse");
        return this;
    }

    /**
     * Sets the storage class of every object written, such as {@code STANDARD_IA}; servers other than AWS may
     * have their own names.
     *
     * @param storageClass the storage class
     * @return this builder
     * @throws InvalidInputException if it is not upper-case letters, digits and underscores
     */
    public S3ObjectStoreBuilder storageClass(String storageClass) {
        if (storageClass == null || !storageClass.matches("[A-Z0-9_]{1,64}")) {
            throw new InvalidInputException("invalid S3 storage class '" + storageClass
                    + "': use a name such as STANDARD or STANDARD_IA");
        }
        this.storageClass = storageClass;
        return this;
    }

    /**
     * Uses a client the caller built and owns: it is used as is (its endpoint, region, credentials, TLS,
     * checksum and retry settings) and not closed by the store. Endpoint, region, CA, TLS, credential and retry
     * settings of this builder must then not be set.
     *
     * @param client the client
     * @return this builder
     */
    public S3ObjectStoreBuilder client(S3Client client) {
        this.client = Objects.requireNonNull(client, "client");
        return this;
    }

    /**
     * Sets the part size of multipart uploads; objects up to this size go up in a single PUT. Upload memory per
     * store is {@code (concurrency + 1) × partSize}. Raised automatically when an object would need more than
     * 10,000 parts.
     *
     * @param bytes between 5 MiB and 512 MiB
     * @return this builder
     * @throws InvalidInputException if out of range
     */
    public S3ObjectStoreBuilder partSize(long bytes) {
        if (bytes < 5L * MIB || bytes > 512L * MIB) {
            throw new InvalidInputException("S3 part size must be between 5 MiB and 512 MiB: " + bytes);
        }
        this.partSize = (int) bytes;
        return this;
    }

    /**
     * Sets how many parts of one store's uploads are sent at the same time.
     *
     * @param parts between 1 and 64
     * @return this builder
     * @throws InvalidInputException if out of range
     */
    public S3ObjectStoreBuilder concurrency(int parts) {
        if (parts < 1 || parts > 64) {
            throw new InvalidInputException("S3 upload concurrency must be between 1 and 64: " + parts);
        }
        this.concurrency = parts;
        return this;
    }

    /**
     * Sets the size above which objects go up as multipart uploads. Objects up to the part size always go in one
     * PUT from a pooled buffer (resent on failure). Objects between the part size and this threshold go in one PUT
     * streamed straight from the caller's stream: no buffer and no parallelism, and the store cannot resend it, so
     * a network failure is reported as retryable for the caller to put again. The default is the part size:
     * everything larger goes up in parallel, individually retried parts, which is what AWS, MinIO and Ceph handle
     * best. Raise it for servers where completing a multipart upload is expensive (s3proxy's filesystem backend
     * writes the whole object a second time).
     *
     * @param bytes the threshold, up to 5 GiB (the largest single PUT S3 allows)
     * @return this builder
     * @throws InvalidInputException if negative or above 5 GiB
     */
    public S3ObjectStoreBuilder multipartThreshold(long bytes) {
        if (bytes < 0 || bytes > 5L * 1024 * MIB) {
            throw new InvalidInputException("S3 multipart threshold must be between 0 and 5 GiB: " + bytes);
        }
        this.multipartThreshold = bytes;
        return this;
    }

    /**
     * Sets how often a request (such as one part) is tried before the operation fails.
     *
     * @param attempts between 1 and 20, including the first attempt
     * @return this builder
     * @throws InvalidInputException if out of range
     */
    public S3ObjectStoreBuilder maxAttempts(int attempts) {
        if (attempts < 1 || attempts > 20) {
            throw new InvalidInputException("S3 max attempts must be between 1 and 20: " + attempts);
        }
        this.maxAttempts = attempts;
        return this;
    }

    /**
     * Sets the connect and read timeouts.
     *
     * @param connect how long to wait for a TCP/TLS connection
     * @param read how long a read may stall
     * @return this builder
     * @throws InvalidInputException if a duration is not positive
     */
    public S3ObjectStoreBuilder timeouts(Duration connect, Duration read) {
        if (connect == null || read == null || connect.isNegative() || connect.isZero() || read.isNegative()
                || read.isZero()) {
            throw new InvalidInputException("S3 timeouts must be positive: connect " + connect + ", read " + read);
        }
        this.connectTimeout = connect;
        this.socketTimeout = read;
        return this;
    }

    /**
     * Sends the SHA-256 of every request body in {@code x-amz-checksum-sha256}, so that a server which supports
     * it (AWS, recent MinIO and Ceph) rejects a body damaged on the way and stores the checksum with the object.
     * Off by default because older S3-compatible servers reject the header.
     *
     * @param enabled true to send SHA-256 checksums
     * @return this builder
     */
    public S3ObjectStoreBuilder sha256Checksums(boolean enabled) {
        this.sha256Checksums = enabled;
        return this;
    }

    /**
     * Chooses whether the SHA-256 of every request body goes into the request's SigV4 signature
     * ({@code x-amz-content-sha256}). On by default: every SigV4 server (AWS, MinIO, Ceph RGW, s3proxy, ...) then
     * rejects a body damaged or changed on the way, and the part is resent.
     *
     * <p>Off, bodies are sent as {@code UNSIGNED-PAYLOAD} (also over plain http, where the SDK alone would always
     * sign them) with a CRC32C of each body in {@code x-amz-checksum-crc32c}, or as a trailer of a streamed PUT
     * (see {@link #multipartThreshold(long)}); with {@link #sha256Checksums(boolean)} the SHA-256 header is sent
     * instead. This saves one SHA-256 pass over every byte on the client and on the server (over a fast local
     * link: about 1.25x the upload throughput). The trade-off: the CRC32C catches damage in transit, which the
     * server then rejects, but not a deliberate change: over plain http a man in the middle could replace a body
     * and its CRC32C undetected at upload time. Over https TLS protects the body either way (the SDK's own default
     * there is unsigned). The SHA-256 that the backup repository records in its manifest stays the source of
     * truth and catches any change when the backup is verified or restored. The server must accept
     * {@code x-amz-checksum-crc32c} and aws-chunked trailers (AWS, MinIO since 2022, Ceph RGW since Reef,
     * s3proxy 2.x and later); older servers need signed payloads. Not used with a caller-built client.
     *
     * @param enabled false to send unsigned payloads with a CRC32C
     * @return this builder
     */
    public S3ObjectStoreBuilder signPayloads(boolean enabled) {
        this.signPayloads = enabled;
        return this;
    }

    /** Wraps the HTTP client the store builds; tests use it to damage bytes on the wire. */
    S3ObjectStoreBuilder httpWrapper(UnaryOperator<SdkHttpClient> wrapper) {
        this.httpWrapper = Objects.requireNonNull(wrapper, "wrapper");
        return this;
    }

    /**
     * Builds the store. No request is sent; {@link S3ObjectStore#verifyAccess()} checks the bucket and credentials.
     *
     * @return the store; the caller closes it
     * @throws InvalidInputException if the bucket is missing or the settings contradict each other
     */
    public S3ObjectStore build() {
        if (bucket == null) {
            throw new InvalidInputException("no S3 bucket given; call bucket(\"name\")");
        }
        if (client != null && (endpoint != null || region != null || !customCas.isEmpty() || insecure
                || accessKey != null || pathStyle != null)) {
            throw new IllegalStateException("a caller-built S3Client is used as is: do not also set endpoint,"
                    + " region, path style, CA, TLS or credentials on the builder; configure the client instead");
        }
        if (insecure && (endpoint == null || !"https".equals(endpoint.getScheme()))) {
            throw new InvalidInputException("insecureSkipTlsVerify needs an https:// endpoint");
        }
        return S3ObjectStore.create(new S3ObjectStoreBuilder(this));
    }
}
