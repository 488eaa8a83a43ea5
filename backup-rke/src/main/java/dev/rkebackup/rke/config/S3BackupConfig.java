package dev.rkebackup.rke.config;

import dev.rkebackup.core.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code services.etcd.backup_config.s3backupconfig} section of a cluster config (RKE v0.2.0+): where RKE uploads
 * etcd snapshots. Keys are held as {@link Secret}; {@link #toString()} never shows them or the CA text.
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder()} (e.g. to hand to
 * {@link ConfigEditor#withS3(S3BackupConfig)}):
 * <pre>{@code
 * S3BackupConfig s3 = S3BackupConfig.builder()
 *         .endpoint("minio.example.com:9000").bucketName("etcd").region("us-east-1")
 *         .accessKey(Secret.of(ak)).secretKey(Secret.of(sk)).folder("prod").build();
 * }</pre>
 */
public final class S3BackupConfig {
    private final Secret accessKey;
    private final Secret secretKey;
    private final String bucketName;
    private final String region;
    private final String endpoint;
    private final String customCa;
    private final String folder;

    private S3BackupConfig(Builder b) {
        this.accessKey = b.accessKey;
        this.secretKey = b.secretKey;
        this.bucketName = b.bucketName;
        this.region = b.region;
        this.endpoint = b.endpoint;
        this.customCa = b.customCa;
        this.folder = b.folder;
    }

    /** @return a builder with every field unset */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this config's values, for a variant */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.accessKey = accessKey;
        b.secretKey = secretKey;
        b.bucketName = bucketName;
        b.region = region;
        b.endpoint = endpoint;
        b.customCa = customCa;
        b.folder = folder;
        return b;
    }

    /** @return {@code access_key}; absent (and the secret key absent) means the node's IAM instance profile */
    public Optional<Secret> accessKey() {
        return Optional.ofNullable(accessKey);
    }

    /** @return {@code secret_key} */
    public Optional<Secret> secretKey() {
        return Optional.ofNullable(secretKey);
    }

    /** @return {@code bucket_name}; RKE requires it */
    public Optional<String> bucketName() {
        return Optional.ofNullable(bucketName);
    }

    /** @return {@code region}; absent means client-side auto-detection */
    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    /** @return {@code endpoint}, host[:port] without scheme; RKE requires it in YAML and always uses TLS */
    public Optional<String> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /** @return {@code custom_ca}, PEM text of the CA that signed the endpoint's certificate (RKE v0.2.5+) */
    public Optional<String> customCa() {
        return Optional.ofNullable(customCa);
    }

    /** @return {@code folder}, the object key prefix without trailing slash (RKE v0.2.7+) */
    public Optional<String> folder() {
        return Optional.ofNullable(folder);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof S3BackupConfig s && Objects.equals(accessKey, s.accessKey)
                && Objects.equals(secretKey, s.secretKey) && Objects.equals(bucketName, s.bucketName)
                && Objects.equals(region, s.region) && Objects.equals(endpoint, s.endpoint)
                && Objects.equals(customCa, s.customCa) && Objects.equals(folder, s.folder);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucketName, region, endpoint, folder);
    }

    /** Shows bucket, endpoint, region and folder; keys only as {@link Secret#REDACTED}, the CA only as present. */
    @Override
    public String toString() {
        return "S3BackupConfig[endpoint=" + endpoint + ", bucketName=" + bucketName + ", region=" + region
                + ", folder=" + folder + ", customCa=" + (customCa == null ? "absent" : "present")
                + ", accessKey=" + (accessKey == null ? "absent" : Secret.REDACTED)
                + ", secretKey=" + (secretKey == null ? "absent" : Secret.REDACTED) + "]";
    }

    /** Collects the fields of an {@link S3BackupConfig}. Not thread-safe; every field is optional. */
    public static final class Builder {
        private Secret accessKey;
        private Secret secretKey;
        private String bucketName;
        private String region;
        private String endpoint;
        private String customCa;
        private String folder;

        private Builder() {
        }

        /** @param value the access key @return this builder */
        public Builder accessKey(Secret value) {
            this.accessKey = Objects.requireNonNull(value, "accessKey");
            return this;
        }

        /** @param value the secret key @return this builder */
        public Builder secretKey(Secret value) {
            this.secretKey = Objects.requireNonNull(value, "secretKey");
            return this;
        }

        /** @param value the bucket name @return this builder */
        public Builder bucketName(String value) {
            this.bucketName = Objects.requireNonNull(value, "bucketName");
            return this;
        }

        /** @param value the region, e.g. {@code us-east-1} @return this builder */
        public Builder region(String value) {
            this.region = Objects.requireNonNull(value, "region");
            return this;
        }

        /** @param value host[:port], no scheme @return this builder */
        public Builder endpoint(String value) {
            this.endpoint = Objects.requireNonNull(value, "endpoint");
            return this;
        }

        /** @param pem the CA certificate as PEM text @return this builder */
        public Builder customCa(String pem) {
            this.customCa = Objects.requireNonNull(pem, "customCa");
            return this;
        }

        /** @param value the key prefix, no trailing slash @return this builder */
        public Builder folder(String value) {
            this.folder = Objects.requireNonNull(value, "folder");
            return this;
        }

        /** @return the config */
        public S3BackupConfig build() {
            return new S3BackupConfig(this);
        }
    }
}
