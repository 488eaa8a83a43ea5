package dev.rkebackup.s3.internal;

import dev.rkebackup.core.Secret;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;
import software.amazon.awssdk.utils.AttributeMap;

/** Builds the SDK client for a store that was not given a caller-built one. */
public final class ClientFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ClientFactory.class);
    private static final String DEFAULT_REGION = "us-east-1";

    private ClientFactory() {
    }

    /**
     * Everything needed to build a client.
     *
     * @param endpoint the endpoint override, or {@code null} for AWS S3
     * @param region the region, or {@code null} to detect it
     * @param pathStyle whether to address buckets as {@code host/bucket} instead of {@code bucket.host}
     * @param customCas extra trusted CA certificates
     * @param insecure whether to skip TLS certificate and host name checks
     * @param accessKey the access key id, or {@code null} for the SDK's default credential chain
     * @param secretKey the secret key, or {@code null} with {@code accessKey}
     * @param sessionToken a session token, or {@code null}
     * @param maxConnections the HTTP connection pool size
     * @param connectTimeout how long to wait for a connection
     * @param socketTimeout how long a read may stall
     * @param maxAttempts attempts per request, including the first
     * @param payloadSigning whether to sign payloads (SHA-256 of the body in the signature); false: unsigned also
     *                       over http
     * @param httpWrapper wraps the HTTP client (tests inject network faults with it)
     */
    public record Settings(URI endpoint, String region, boolean pathStyle, List<X509Certificate> customCas,
            boolean insecure, Secret accessKey, Secret secretKey, Secret sessionToken, int maxConnections,
            Duration connectTimeout, Duration socketTimeout, int maxAttempts, boolean payloadSigning,
            UnaryOperator<SdkHttpClient> httpWrapper) {
        /** Copies the CA list. */
        public Settings {
            customCas = List.copyOf(customCas);
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(socketTimeout, "socketTimeout");
            Objects.requireNonNull(httpWrapper, "httpWrapper");
        }
    }

    /**
     * A built client and the HTTP client it uses; closing the S3 client does not close an HTTP client passed
     * in as an instance, so both are kept.
     *
     * @param s3 the S3 client for everything except streamed PUTs
     * @param streaming the S3 client for PUTs streamed from the caller (chunk-signed, not retried)
     * @param http their shared HTTP client
     * @param region the region it signs for
     */
    public record Built(S3Client s3, S3Client streaming, SdkHttpClient http, String region) {
    }

    /**
     * Resolves the region: the explicit one, else {@code aws.region}/{@code AWS_REGION}/profile for AWS (the full
     * SDK chain), else {@code us-east-1}, which every S3-compatible server accepts by default.
     *
     * @param settings the settings
     * @return the region name
     */
    public static String resolveRegion(Settings settings) {
        if (settings.region() != null) {
            return settings.region();
        }
        String fromProperty = System.getProperty("aws.region");
        if (fromProperty != null && !fromProperty.isBlank()) {
            return fromProperty.strip();
        }
        String fromEnv = System.getenv("AWS_REGION");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        if (settings.endpoint() == null) {
            try { // the chain also asks the profile file and the EC2 instance metadata
                return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
            } catch (RuntimeException e) {
                LOG.debug("no AWS region configured, using {} with cross-region access", DEFAULT_REGION);
            }
        }
        return DEFAULT_REGION;
    }

    /**
     * Builds a client.
     *
     * @param settings the settings
     * @return the client and its HTTP client; the caller closes both
     */
    public static Built build(Settings settings) {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder()
                .maxConnections(settings.maxConnections())
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.socketTimeout())
                .tcpKeepAlive(true)
                // 100-continue: a wrong key or missing bucket is reported before a part's body is sent
                .expectContinueEnabled(true);
        if (!settings.customCas().isEmpty()) {
            List<X509Certificate> cas = settings.customCas();
            http.tlsTrustManagersProvider(() -> PemTrust.withDefaults(cas));
        }
        SdkHttpClient httpClient;
        if (settings.insecure()) {
            LOG.warn("TLS certificate and host name verification is OFF for S3 endpoint {}: anyone on the network"
                    + " path can read and change backups; give the server's CA instead", settings.endpoint());
            httpClient = http.buildWithDefaults(AttributeMap.builder()
                    .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE).build());
        } else {
            httpClient = http.build();
        }
        httpClient = settings.httpWrapper().apply(httpClient);
        String region = resolveRegion(settings);
        try {
            S3Client buffered = client(settings, httpClient, region, false);
            // the second client shares the HTTP client (an instance passed in is not closed by either)
            S3Client streaming = client(settings, httpClient, region, true);
            return new Built(buffered, streaming, httpClient, region);
        } catch (RuntimeException e) {
            httpClient.close();
            throw e;
        }
    }

    /**
     * Builds one S3 client. Bodies of the buffered client come from re-readable buffers: signed whole and resent on
     * failure (also when the server found them damaged). The streaming client reads a PUT body once, straight from
     * the caller's stream: it is signed in chunks and never retried, because the stream cannot be rewound.
     */
    private static S3Client client(Settings settings, SdkHttpClient httpClient, String region, boolean streaming) {
        S3ClientBuilder b = S3Client.builder()
                .httpClient(httpClient)
                .region(Region.of(region))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials(settings))
                // SDK >= 2.30 sends CRC32 trailers by default, which many S3-compatible servers reject
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(streaming ? 1 : settings.maxAttempts())
                        // a body the server found damaged is resent from its buffer, like a network error
                        .retryOnException(S3Errors::isDamagedInTransit)));
        if (settings.region() == null) {
            b.crossRegionAccessEnabled(true);
        }
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        boolean signPayload = settings.payloadSigning();
        S3AuthSchemeProvider defaults = S3AuthSchemeProvider.defaultProvider();
        b.authSchemeProvider(params -> defaults.resolveAuthScheme(params).stream()
                .map(o -> o.toBuilder()
                        .putSignerProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, signPayload)
                        .putSignerProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, streaming)
                        .build())
                .toList());
        if (!signPayload) {
            b.putAuthScheme(new UnsignedPayloadAuthScheme());
        }
        return b.build();
    }

    private static AwsCredentialsProvider credentials(Settings settings) {
        if (settings.accessKey() == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        if (settings.sessionToken() != null) {
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(settings.accessKey().reveal(),
                    settings.secretKey().reveal(), settings.sessionToken().reveal()));
        }
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(settings.accessKey().reveal(), settings.secretKey().reveal()));
    }
}
