package dev.rkebackup.s3;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The values of RKE's {@code services.etcd.backup_config.s3backupconfig} (or the {@code --s3} flags), mapped to an
 * {@link S3ObjectStore} that reads and writes where the cluster's snapshots go: key {@code <folder>/<name>.zip}
 * as rke-tools uploads it. This module does not parse {@code cluster.yml}; the caller passes the plain values.
 *
 * <p>The mapping follows RKE and rke-tools: the endpoint is {@code host[:port]} and always spoken to over TLS;
 * buckets are addressed virtual-host style on AWS ({@code *.amazonaws.com}), Google and Aliyun endpoints and
 * path-style elsewhere (minio-go's automatic lookup); an empty region is detected; {@code custom_ca} is PEM text
 * trusted in addition to the system CAs; both keys empty means the default credential chain (instance role).
 *
 * <p>An immutable value; {@code toString()} shows no secret because the keys are {@link Secret}s.
 *
 * @param bucketName {@code bucket_name}; required
 * @param endpoint {@code endpoint}, {@code host[:port]}; required ({@code s3.amazonaws.com} is RKE's CLI default)
 * @param region {@code region}, or {@code ""} to detect it
 * @param folder {@code folder}, or {@code ""} for the bucket root
 * @param customCa {@code custom_ca} PEM text (base64 of PEM also accepted), or {@code ""}
 * @param accessKey {@code access_key}, or an empty secret for the default chain
 * @param secretKey {@code secret_key}, or an empty secret for the default chain
 */
public record RkeS3BackupConfig(String bucketName, String endpoint, String region, String folder, String customCa,
        Secret accessKey, Secret secretKey) {

    /** RKE's default endpoint for {@code --s3-endpoint}. */
    public static final String DEFAULT_ENDPOINT = "s3.amazonaws.com";

    /**
     * Validates the values the way RKE does; {@code null} strings count as empty.
     *
     * @throws InvalidInputException if the bucket or endpoint is empty, the endpoint has a scheme or path, or
     *         only one of the keys is set
     */
    public RkeS3BackupConfig {
        bucketName = strip(bucketName);
        endpoint = strip(endpoint);
        region = strip(region);
        folder = strip(folder);
        customCa = customCa == null ? "" : customCa.strip();
        accessKey = accessKey == null ? Secret.of("") : accessKey;
        secretKey = secretKey == null ? Secret.of("") : secretKey;
        if (bucketName.isEmpty()) {
            throw new InvalidInputException("s3backupconfig bucket_name is empty (RKE: \"etcd s3 backup backend"
                    + " bucketName can't be empty\"); set bucket_name");
        }
        if (endpoint.isEmpty()) {
            throw new InvalidInputException("s3backupconfig endpoint is empty (RKE: \"etcd s3 backup backend endpoint"
                    + " can't be empty\"); set it to host[:port], for example " + DEFAULT_ENDPOINT);
        }
        if (endpoint.contains("://") || endpoint.contains("/")) {
            throw new InvalidInputException("s3backupconfig endpoint '" + endpoint + "' must be host[:port] only;"
                    + " RKE always uses TLS and has no plain-http option (rke#1359): remove the scheme and path");
        }
        if (accessKey.isEmpty() != secretKey.isEmpty()) {
            throw new InvalidInputException("s3backupconfig " + (accessKey.isEmpty() ? "access_key" : "secret_key")
                    + " is empty while the other key is set; set both, or neither to use the instance role");
        }
    }

    /**
     * Creates a builder that reads and writes where the cluster's snapshots go. Adjust it (part size, SSE) and
     * call {@link S3ObjectStoreBuilder#build()}.
     *
     * @return a configured builder
     * @throws InvalidInputException if {@code custom_ca} is not a PEM certificate (RKE: "invalid S3 endpoint CA
     *         certificate") or another value is malformed
     */
    public S3ObjectStoreBuilder toStoreBuilder() {
        S3ObjectStoreBuilder b = S3ObjectStore.builder().bucket(bucketName).prefix(folder);
        String host = endpoint.toLowerCase(Locale.ROOT);
        if (!host.equals(DEFAULT_ENDPOINT)) { // the default lets the SDK pick the regional AWS endpoint
            b.endpoint(URI.create("https://" + endpoint));
            b.pathStyle(!virtualHostStyle(host));
        }
        if (!region.isEmpty()) {
            b.region(region);
        }
        if (!customCa.isEmpty()) {
            b.customCaPem(pemText(customCa));
        }
        if (!accessKey.isEmpty()) {
            b.credentials(accessKey, secretKey);
        }
        return b;
    }

    /** minio-go's automatic bucket lookup uses virtual-host style for these; rke-tools forces it for Aliyun. */
    static boolean virtualHostStyle(String host) {
        String h = host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return h.endsWith(".amazonaws.com") || h.equals("amazonaws.com") || h.endsWith("storage.googleapis.com")
                || h.contains("aliyun");
    }

    private static String pemText(String ca) {
        if (ca.contains("-----BEGIN")) {
            return ca;
        }
        try { // RKE sends custom_ca base64-encoded to its nodes; accept that form too
            String decoded = new String(Base64.getMimeDecoder().decode(ca), StandardCharsets.US_ASCII);
            if (decoded.contains("-----BEGIN")) {
                return decoded;
            }
        } catch (IllegalArgumentException e) {
            // not base64: fall through to the PEM parser's message
        }
        return ca;
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }
}
