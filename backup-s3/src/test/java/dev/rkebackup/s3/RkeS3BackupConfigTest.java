package dev.rkebackup.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Mapping of RKE's s3backupconfig values; the end-to-end import from an RKE layout is in {@link CliInteropTest}. */
@Timeout(30)
class RkeS3BackupConfigTest {
    private static final Secret AK = Secret.of("AKIAEXAMPLE");
    private static final Secret SK = Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

    @Test
    void hostOnlyEndpointMeansHttpsAndPathStyleForOtherServers() {
        S3ObjectStoreBuilder b = new RkeS3BackupConfig("etcd-backups", "minio.example.com:9000", "", "/cluster-a/",
                "", AK, SK).toStoreBuilder();
        assertThat(b.endpoint).isEqualTo(URI.create("https://minio.example.com:9000"));
        assertThat(b.pathStyle).isTrue();
        assertThat(b.prefix).isEqualTo("cluster-a");
        assertThat(b.region).isNull();
        assertThat(b.accessKey).isEqualTo(AK);
        assertThat(b.secretKey).isEqualTo(SK);
    }

    @Test
    void awsEndpointsUseVirtualHostsAndTheDefaultLetsTheSdkChoose() {
        S3ObjectStoreBuilder def = new RkeS3BackupConfig("b-1", "s3.amazonaws.com", "eu-west-1", "", "", AK, SK)
                .toStoreBuilder();
        assertThat(def.endpoint).isNull();
        assertThat(def.region).isEqualTo("eu-west-1");
        S3ObjectStoreBuilder regional = new RkeS3BackupConfig("b-1", "s3.eu-west-1.amazonaws.com", "", "", "", AK,
                SK).toStoreBuilder();
        assertThat(regional.endpoint).isEqualTo(URI.create("https://s3.eu-west-1.amazonaws.com"));
        assertThat(regional.pathStyle).isFalse();
        assertThat(new RkeS3BackupConfig("b-1", "oss-cn-hangzhou.aliyuncs.com", "", "", "", AK, SK)
                .toStoreBuilder().pathStyle).isFalse();
    }

    @Test
    void emptyKeysMeanTheInstanceRole() {
        S3ObjectStoreBuilder b = new RkeS3BackupConfig("b-1", "s3.amazonaws.com", null, null, null, null, null)
                .toStoreBuilder();
        assertThat(b.accessKey).isNull();
        assertThat(b.secretKey).isNull();
    }

    @Test
    void missingOrMalformedValuesAreRejectedAsRkeDoes() {
        assertThatThrownBy(() -> new RkeS3BackupConfig(" ", "s3.amazonaws.com", "", "", "", AK, SK))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("bucket_name is empty");
        assertThatThrownBy(() -> new RkeS3BackupConfig("b-1", "", "", "", "", AK, SK))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("endpoint is empty");
        assertThatThrownBy(() -> new RkeS3BackupConfig("b-1", "https://minio:9000", "", "", "", AK, SK))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("host[:port] only");
        assertThatThrownBy(() -> new RkeS3BackupConfig("b-1", "minio:9000", "", "", "", AK, Secret.of("")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("secret_key is empty");
        assertThatThrownBy(() -> new RkeS3BackupConfig("b-1", "minio:9000", "", "", "", Secret.of(""), SK))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("access_key is empty");
        assertThatThrownBy(() -> new RkeS3BackupConfig("b-1", "minio:9000", "", "", "not a certificate", AK, SK)
                .toStoreBuilder()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("invalid S3 endpoint CA certificate");
        assertThatThrownBy(() -> new RkeS3BackupConfig("Bad_Bucket", "minio:9000", "", "", "", AK, SK)
                .toStoreBuilder()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("invalid S3 bucket name");
    }

    @Test
    void customCaAsPemOrBase64OfPem() throws Exception {
        String pem = dev.rkebackup.s3.support.TestCa.shared().caPem();
        assertThat(new RkeS3BackupConfig("b-1", "minio:9000", "", "", pem, AK, SK).toStoreBuilder().customCas)
                .hasSize(1);
        String b64 = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
        assertThat(new RkeS3BackupConfig("b-1", "minio:9000", "", "", b64, AK, SK).toStoreBuilder().customCas)
                .hasSize(1);
    }

    @Test
    void toStringShowsNoSecret() {
        String s = new RkeS3BackupConfig("b-1", "minio:9000", "", "f", "", AK, SK).toString();
        assertThat(s).doesNotContain(SK.reveal()).doesNotContain(AK.reveal()).contains("minio:9000");
    }
}
