package dev.rkebackup.s3;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.rkebackup.s3.support.S3ProxyExtension;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import dev.rkebackup.s3.support.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code s3://} locations: ServiceLoader discovery, options, credentials from the environment, bad input. */
@Timeout(60)
class S3ObjectStoreFactoryTest {
    @RegisterExtension
    static final S3ProxyExtension S3PROXY = new S3ProxyExtension();

    private S3ObjectStoreFactory factory() {
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", S3PROXY.server().accessKey(),
                "AWS_SECRET_ACCESS_KEY", S3PROXY.server().secretKey());
        return new S3ObjectStoreFactory(env::get);
    }

    @Test
    void uriWithEndpointRegionAndPathStyleReachesTheServer() throws Exception {
        URI uri = URI.create("s3://backups/rke/prod?endpoint=" + S3PROXY.server().endpoint()
                + "&region=eu-central-1&path-style=true&part-size-mib=8&concurrency=2");
        try (ObjectStore store = factory().create(uri)) {
            assertThat(store.describe())
                    .isEqualTo("s3://backups/rke/prod (endpoint " + S3PROXY.server().endpoint() + ")");
            store.put("a.zip", new ByteArrayInputStream(new byte[] {1, 2}), 2);
            assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("a.zip");
            assertThat(((S3ObjectStore) store).s3Key("a.zip")).isEqualTo("rke/prod/a.zip");
        }
    }

    @Test
    void serviceLoaderFindsTheFactoryAndTheDefaultChainReadsCredentials() throws Exception {
        // ObjectStores.open uses the process environment; the SDK's default chain also reads these properties
        System.setProperty("aws.accessKeyId", S3PROXY.server().accessKey());
        System.setProperty("aws.secretAccessKey", S3PROXY.server().secretKey());
        try (ObjectStore store = ObjectStores.open("s3://backups/loader?endpoint=" + S3PROXY.server().endpoint())) {
            assertThat(store).isInstanceOf(S3ObjectStore.class);
            store.put("x", new ByteArrayInputStream(new byte[] {1}), 1);
            assertThat(store.stat("x")).isPresent();
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void optionsAreParsed() {
        S3ObjectStoreBuilder b = factory().builderFor(URI.create("s3://my-bucket/a/b/?sse=aws:kms&sse-kms-key-id="
                + "alias%2Fbackups&storage-class=STANDARD_IA&sha256-checksums=true&path-style=false"
                + "&insecure-skip-tls-verify=false"));
        assertThat(b.bucket).isEqualTo("my-bucket");
        assertThat(b.prefix).isEqualTo("a/b");
        assertThat(b.sse).isEqualTo(ServerSideEncryption.kms("alias/backups"));
        assertThat(b.storageClass).isEqualTo("STANDARD_IA");
        assertThat(b.sha256Checksums).isTrue();
        assertThat(b.pathStyle).isFalse();
        assertThat(b.endpoint).isNull();
        assertThat(factory().builderFor(URI.create("s3://b-1?sse=AES256")).sse)
                .isEqualTo(ServerSideEncryption.aes256());
    }

    @Test
    void badLocationsAreRejectedWithTheFix() {
        S3ObjectStoreFactory f = factory();
        assertThatThrownBy(() -> f.create(URI.create("s3:///prefix"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has no bucket");
        assertThatThrownBy(() -> f.create(URI.create("s3://b-1?colour=red"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unknown option 'colour'").hasMessageContaining("endpoint");
        assertThatThrownBy(() -> f.create(URI.create("s3://b-1?region=a&region=b")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("given twice");
        assertThatThrownBy(() -> f.create(URI.create("s3://b-1?path-style=maybe")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> f.create(URI.create("s3://b-1?endpoint=ftp://host:21")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("https://host:port");
        assertThatThrownBy(() -> f.create(URI.create("s3://b-1?endpoint=https://h:1/some/path")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("remove the path");
        assertThatThrownBy(() -> f.create(URI.create("s3://b-1?sse=rot13"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("AES256 or aws:kms");
        assertThatThrownBy(() -> f.create(URI.create("s3://b-1?part-size-mib=1")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("between 5 MiB and 512 MiB");
        assertThatThrownBy(() -> f.create(URI.create("s3://b-1?concurrency=x")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("must be a number");
        assertThatThrownBy(() -> f.create(URI.create("s3://Bad_Bucket"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("invalid S3 bucket name");
        assertThatThrownBy(() -> f.create(URI.create("s3://b-1/a/../b"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> f.create(URI.create("s3://b-1?ca-file=/nonexistent/ca.pem")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("cannot read S3 endpoint CA file");
    }

    @Test
    void credentialsInTheUriAreRejectedWithoutEchoingThem() {
        Throwable t = catchThrowable(() -> factory().create(URI.create("s3://AKID:TopSecret123@bucket/x")));
        assertThat(t).isInstanceOf(InvalidInputException.class).hasMessageContaining("AWS_SECRET_ACCESS_KEY");
        assertThat(t.getMessage()).doesNotContain("TopSecret123").doesNotContain("AKID");
        Throwable e = catchThrowable(() -> factory().create(
                URI.create("s3://bucket?endpoint=https://AKID:TopSecret123@host:9000")));
        assertThat(e).isInstanceOf(InvalidInputException.class);
        assertThat(e.getMessage()).doesNotContain("TopSecret123");
    }

    @Test
    void halfSetEnvironmentCredentialsNameTheMissingVariable() {
        S3ObjectStoreFactory onlyId = new S3ObjectStoreFactory(Map.of("AWS_ACCESS_KEY_ID", "AK")::get);
        assertThatThrownBy(() -> onlyId.create(URI.create("s3://bucket"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY is not set while AWS_ACCESS_KEY_ID is");
        S3ObjectStoreFactory onlySecret = new S3ObjectStoreFactory(
                Map.of("AWS_SECRET_ACCESS_KEY", "TopSecret123")::get);
        Throwable t = catchThrowable(() -> onlySecret.create(URI.create("s3://bucket")));
        assertThat(t).hasMessageContaining("AWS_ACCESS_KEY_ID is not set");
        assertThat(t.getMessage()).doesNotContain("TopSecret123");
    }

    @Test
    void builderChecksItsArguments() {
        S3ObjectStoreBuilder b = S3ObjectStore.builder();
        assertThatThrownBy(b::build).isInstanceOf(InvalidInputException.class).hasMessageContaining("bucket(");
        assertThatThrownBy(() -> b.region("eu west")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> b.storageClass("cold storage")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> b.concurrency(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> b.maxAttempts(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> b.timeouts(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1)))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> b.credentials(dev.rkebackup.core.Secret.of(""), dev.rkebackup.core.Secret.of("s")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("access key id is empty");
        assertThatThrownBy(() -> b.credentials(dev.rkebackup.core.Secret.of("a"), dev.rkebackup.core.Secret.of("")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("secret key is empty");
        assertThatThrownBy(() -> ServerSideEncryption.kms("bad key")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void callerBuiltClientIsUsedAsIsAndNotClosed() throws Exception {
        try (var client = RawS3.client(S3PROXY.server())) {
            try (S3ObjectStore store = S3ObjectStore.builder().bucket(S3ProxyServer.BUCKET).prefix("own-client")
                    .client(client).build()) {
                store.put("k", new ByteArrayInputStream(new byte[] {5}), 1);
                assertThat(store.describe()).isEqualTo("s3://backups/own-client (caller's S3 client)");
            }
            // still usable after the store was closed
            assertThat(client.headObject(b -> b.bucket(S3ProxyServer.BUCKET).key("own-client/k")).contentLength())
                    .isEqualTo(1L);
            assertThatThrownBy(() -> S3ObjectStore.builder().bucket("bucket").client(client)
                    .endpoint(S3PROXY.server().endpoint()).build()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("configure the client instead");
        }
    }
}
