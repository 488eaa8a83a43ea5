package dev.rkebackup.rke.exec.internal;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.S3BackupConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@link S3BackupConfig} into what RKE reads: the {@code s3backupconfig} map of cluster.yml or the
 * {@code --s3 ...} flags. Always complete (endpoint, bucket, region, folder, CA, keys): {@code --s3} replaces the
 * file's whole S3 map, so a setting left out would be silently lost (rke-facts 3.4). Stateless.
 */
public final class S3Settings {
    /** RKE's default endpoint (flag default of {@code --s3-endpoint}). */
    public static final String DEFAULT_ENDPOINT = "s3.amazonaws.com";

    private S3Settings() {
    }

    /**
     * Checks the settings against the version before anything runs.
     *
     * @param s3 the settings
     * @param version the detected rke version
     * @param binary the rke binary (for messages)
     * @throws InvalidInputException if the bucket is missing or the version lacks a used setting
     */
    public static void check(S3BackupConfig s3, RkeVersion version, Path binary) {
        VersionGate.require(RkeFeature.BACKUP_CONFIG, "Uploading snapshots to S3 (--s3 / backup_config.s3backupconfig)",
                "older versions only write local snapshots", version, binary);
        if (s3.bucketName().filter(b -> !b.isBlank()).isEmpty()) {
            throw new InvalidInputException("The S3 settings have no bucket name (bucket_name / --bucket-name); "
                    + "RKE refuses with \"etcd s3 backup backend bucketName can't be empty\". Set the bucket.");
        }
        if (s3.customCa().isPresent()) {
            VersionGate.require(RkeFeature.CUSTOM_CA, "A custom S3 CA (custom_ca / --s3-endpoint-ca)",
                    "older versions ignore it and fail with x509 errors against a private CA", version,
                    binary);
        }
        if (s3.folder().filter(f -> !f.isEmpty()).isPresent()) {
            VersionGate.require(RkeFeature.FOLDER, "An S3 folder (folder / --folder)",
                    "older versions ignore the folder silently and upload to the bucket root", version, binary);
        }
    }

    /**
     * Returns the complete {@code --s3} flag list.
     *
     * @param s3 the settings
     * @param caFile a file holding {@code custom_ca} (required when the settings have a CA), else null
     * @return the flags (keys in clear: use only with the caller's explicit opt-in)
     */
    public static List<String> toFlags(S3BackupConfig s3, Path caFile) {
        List<String> f = new ArrayList<>(List.of("--s3", "--s3-endpoint", s3.endpoint().orElse(DEFAULT_ENDPOINT)));
        s3.accessKey().ifPresent(k -> f.addAll(List.of("--access-key", k.reveal())));
        s3.secretKey().ifPresent(k -> f.addAll(List.of("--secret-key", k.reveal())));
        f.addAll(List.of("--bucket-name", s3.bucketName().orElse("")));
        s3.region().ifPresent(r -> f.addAll(List.of("--region", r)));
        if (s3.customCa().isPresent()) {
            f.addAll(List.of("--s3-endpoint-ca", caFile.toString()));
        }
        s3.folder().ifPresent(x -> f.addAll(List.of("--folder", x)));
        return f;
    }

    /**
     * Tells whether the settings carry a key (so flags would expose it).
     *
     * @param s3 the settings
     * @return true when an access or secret key is set and non-empty
     */
    public static boolean hasKeys(S3BackupConfig s3) {
        return s3.accessKey().filter(k -> !k.isEmpty()).isPresent()
                || s3.secretKey().filter(k -> !k.isEmpty()).isPresent();
    }

    /**
     * Returns the values to redact: both keys (RKE prints the access key).
     *
     * @param s3 the settings
     * @return the secrets
     */
    public static List<Secret> secrets(S3BackupConfig s3) {
        List<Secret> out = new ArrayList<>();
        s3.accessKey().ifPresent(out::add);
        s3.secretKey().ifPresent(out::add);
        return out;
    }

    /**
     * Returns the object key RKE uploads a file to.
     *
     * @param s3 the settings
     * @param fileName the snapshot file name
     * @return {@code <folder>/<file>} or {@code <file>}
     */
    public static String objectKey(S3BackupConfig s3, String fileName) {
        return s3.folder().filter(f -> !f.isEmpty()).map(f -> f + "/" + fileName).orElse(fileName);
    }
}
