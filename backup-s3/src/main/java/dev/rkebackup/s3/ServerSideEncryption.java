package dev.rkebackup.s3;

import java.util.Objects;

/**
 * Server-side encryption asked of the S3 server for every object the store writes. A closed set: S3-managed keys
 * ({@link Aes256}, {@code SSE-S3}) or AWS KMS ({@link Kms}, {@code SSE-KMS}). Instances are immutable values.
 *
 * <pre>{@code
 * S3ObjectStore.builder().bucket("backups").serverSideEncryption(ServerSideEncryption.kms("alias/backups"))
 * }</pre>
 */
public sealed interface ServerSideEncryption permits ServerSideEncryption.Aes256, ServerSideEncryption.Kms {

    /**
     * S3-managed keys ({@code x-amz-server-side-encryption: AES256}).
     *
     * @return the setting
     */
    static ServerSideEncryption aes256() {
        return new Aes256();
    }

    /**
     * AWS KMS with the account's default {@code aws/s3} key.
     *
     * @return the setting
     */
    static ServerSideEncryption kms() {
        return new Kms("");
    }

    /**
     * AWS KMS with a given key.
     *
     * @param keyId a key id, key ARN or alias ({@code alias/name}); empty for the default key
     * @return the setting
     * @throws IllegalArgumentException if the key id contains whitespace
     */
    static ServerSideEncryption kms(String keyId) {
        return new Kms(keyId);
    }

    /** S3-managed keys (SSE-S3, {@code AES256}). */
    record Aes256() implements ServerSideEncryption {
    }

    /**
     * AWS KMS (SSE-KMS).
     *
     * @param keyId the key id, ARN or alias; empty means the default {@code aws/s3} key
     */
    record Kms(String keyId) implements ServerSideEncryption {
        /** Validates the key id. */
        public Kms {
            Objects.requireNonNull(keyId, "keyId (use \"\" for the default key)");
            if (!keyId.equals(keyId.strip()) || keyId.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("KMS key id must not contain whitespace: '" + keyId + "'");
            }
        }
    }
}
