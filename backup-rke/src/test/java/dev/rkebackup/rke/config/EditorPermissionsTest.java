package dev.rkebackup.rke.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.RkeVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Writing S3 keys into a world-readable cluster.yml must not leave them world-readable. */
@Timeout(30)
class EditorPermissionsTest {
    @TempDir
    Path tmp;

    private Path config(String mode) throws Exception {
        Path f = tmp.resolve("cluster.yml");
        Files.writeString(f, "nodes:\n  - address: 10.0.0.1\n    user: rke\n    role: [etcd]\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void addingS3KeysMakesTheFileOwnerOnlyAndKeepsTheOriginalModeOnTheBackup() throws Exception {
        Path f = config("rw-r--r--");
        Path bak = ConfigEditor.of(ClusterConfig.load(f)).enableRecurringSnapshots(RkeVersion.parse("v1.6.3"))
                .withS3(S3BackupConfig.builder().bucketName("b").endpoint("minio:9000")
                        .accessKey(Secret.of("AKIA")).secretKey(Secret.of("s3cr3t")).build()).apply();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(Files.readString(f)).contains("secret_key: s3cr3t");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bak))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(bak)).doesNotContain("s3cr3t");
    }

    @Test
    void editsWithoutNewKeysKeepTheOriginalMode() throws Exception {
        Path f = config("rw-r-----");
        ConfigEditor.of(ClusterConfig.load(f)).enableRecurringSnapshots(RkeVersion.parse("v1.6.3")).apply();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
    }
}
