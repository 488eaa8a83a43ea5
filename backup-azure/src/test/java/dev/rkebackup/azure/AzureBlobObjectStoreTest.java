package dev.rkebackup.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import dev.rkebackup.azure.testing.Azurite;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.testing.GeneratedStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Azure-specific behaviour and bad input, against Azurite on 127.0.0.1. */
@Timeout(120)
class AzureBlobObjectStoreTest {
    private static Azurite azurite;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = Azurite.start();
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
    }

    private static AzureBlobObjectStoreFactory factory(Map<String, String> env) {
        return new AzureBlobObjectStoreFactory(env::get);
    }

    @Test
    void blocksAreInvisibleBeforeTheCommitAndAnInterruptedPutLeavesOnlyUncommittedBlocksThatCleanUpRemoves() {
        BlobContainerClient c = azurite.newContainer();
        try (AzureBlobObjectStore store = azurite.storeBuilder(c.getBlobContainerName()).prefix("p")
                .blockSize(1 << 20).concurrency(2).build()) {
            long size = 6L << 20;
            AtomicBoolean sawNothing = new AtomicBoolean();
            InputStream failing = new FilterInputStream(GeneratedStream.failingAfter(5, size, 4L << 20)) {
                private long seen;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (seen >= (3L << 20) && !sawNothing.get()) {
                        sawNothing.set(store.stat("set/db").isEmpty() && store.list("").isEmpty());
                    }
                    int n = super.read(b, off, len);
                    seen += Math.max(n, 0);
                    return n;
                }
            };
            assertThatThrownBy(() -> store.put("set/db", failing, size)).isInstanceOf(StorageException.class);
            assertThat(sawNothing).isTrue();
            assertThat(store.stat("set/db")).isEmpty();
            assertThat(store.list("")).isEmpty();
            assertThat(store.uncommitted("")).containsExactly("set/db");
            store.discardUncommitted("set/db");
            assertThat(store.uncommitted("")).isEmpty();
            assertThat(c.listBlobs(new ListBlobsOptions().setDetails(new BlobListDetails()
                    .setRetrieveUncommittedBlobs(true)), null)).isEmpty();
        }
    }

    @Test
    void discardingLeavesACommittedBlobAlone() {
        BlobContainerClient c = azurite.newContainer();
        try (AzureBlobObjectStore store = azurite.storeBuilder(c.getBlobContainerName()).build()) {
            store.put("k", new ByteArrayInputStream(new byte[] {1, 2}), 2);
            store.discardUncommitted("k");
            assertThat(store.stat("k")).get().extracting(o -> o.size()).isEqualTo(2L);
        }
    }

    @Test
    void aMissingContainerIsReportedWithHowToCreateIt() {
        assertThatThrownBy(() -> azurite.storeBuilder("no-such-container").build())
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("container 'no-such-container' does not exist")
                .hasMessageContaining("az storage container create");
    }

    @Test
    void aWrongAccountKeyIsRefusedWithoutShowingIt() {
        String c = azurite.newContainer().getBlobContainerName();
        String wrong = java.util.Base64.getEncoder().encodeToString(new byte[64]);
        assertThatThrownBy(() -> AzureBlobObjectStore.builder(Azurite.ACCOUNT, c).endpoint(azurite.endpoint())
                .accountKey(Secret.of(wrong)).build())
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("refused the credentials")
                .hasMessageNotContaining(wrong);
    }

    @Test
    void aSasTokenWithoutWriteRightsCanReadButAWriteSaysWhichPermissionsAreNeeded() {
        BlobContainerClient c = azurite.newContainer();
        c.getBlobClient("existing").upload(new ByteArrayInputStream(new byte[] {9}), 1);
        String sas = c.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                new BlobContainerSasPermission().setReadPermission(true).setListPermission(true)));
        Map<String, String> env = Map.of("AZURE_STORAGE_SAS_TOKEN", sas);
        try (ObjectStore store = factory(env).create(URI.create(azurite.uri(c.getBlobContainerName(), "")))) {
            assertThat(store.list("")).extracting(o -> o.key()).containsExactly("existing");
            assertThatThrownBy(() -> store.put("new", new ByteArrayInputStream(new byte[] {1}), 1))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("sp=racwdl")
                    .hasMessageNotContaining(sas)
                    .hasMessageNotContaining("sig=");
            assertThat(store.describe()).doesNotContain("sig").doesNotContain(sas);
        }
        assertThat(c.getBlobClient("new").exists()).isFalse();
    }

    @Test
    void aConnectionStringWorksAndIsNeverShown() {
        BlobContainerClient c = azurite.newContainer();
        String cs = "DefaultEndpointsProtocol=http;AccountName=" + Azurite.ACCOUNT + ";AccountKey=" + Azurite.KEY
                + ";BlobEndpoint=" + azurite.endpoint() + ";";
        try (ObjectStore store = factory(Map.of("AZURE_STORAGE_CONNECTION_STRING", cs))
                .create(URI.create("azure://" + Azurite.ACCOUNT + "/" + c.getBlobContainerName() + "/pre"))) {
            store.put("a/b", new ByteArrayInputStream(new byte[] {1}), 1);
            assertThat(store.describe()).doesNotContain(Azurite.KEY).isEqualTo("azure://" + Azurite.ACCOUNT + "/"
                    + c.getBlobContainerName() + "/pre");
            assertThat(store.toString()).doesNotContain(Azurite.KEY);
        }
        assertThat(c.getBlobClient("pre/a/b").exists()).isTrue();
    }

    @Test
    void accountKeyFromTheEnvironmentAndBlobsOutsideThePrefixAreNotListed() {
        BlobContainerClient c = azurite.newContainer();
        c.getBlobClient("other/x").upload(new ByteArrayInputStream(new byte[] {1}), 1);
        c.getBlobClient("pre//double").upload(new ByteArrayInputStream(new byte[] {1}), 1);
        Map<String, String> env = new HashMap<>(Azurite.env());
        try (ObjectStore store = factory(env).create(URI.create(azurite.uri(c.getBlobContainerName(), "pre")))) {
            store.put("in", new ByteArrayInputStream(new byte[] {1}), 1);
            assertThat(store.list("")).extracting(o -> o.key()).containsExactly("in");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "azure:opaque                                   | has no account",
        "azure:///container                             | has no account",
        "azure://devstoreaccount1                       | has no container",
        "azure://devstoreaccount1/                      | has no container",
        "azure://Bad_Account/c01                         | storage account name",
        "azure://devstoreaccount1/UPPER                 | container name",
        "azure://devstoreaccount1/c01/a/../b             | '..' segments",
        "azure://devstoreaccount1/c01?colour=red         | unknown option 'colour'",
        "azure://devstoreaccount1/c01?concurrency=0      | positive number",
        "azure://devstoreaccount1/c01?block-size-mib=999 | block size",
        "azure://devstoreaccount1/c01?endpoint=ftp://h   | http(s) URL",
        "azure://devstoreaccount1/c01#x                  | #fragment",
    })
    void malformedLocationsAreRejected(String location, String message) {
        assertThatThrownBy(() -> factory(Azurite.env()).builderFor(URI.create(location.strip())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message.strip());
    }

    @Test
    void credentialsInTheLocationAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> factory(Azurite.env()).builderFor(
                URI.create("azure://devstoreaccount1/c01?sv=2020&sig=SECRETSIG")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("contains a credential")
                .hasMessageNotContaining("SECRETSIG");
    }

    @Test
    void missingOrMismatchedCredentialsSayWhatToSet() {
        assertThatThrownBy(() -> factory(Map.of()).builderFor(URI.create("azure://devstoreaccount1/c01")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("AZURE_STORAGE_KEY");
        assertThatThrownBy(() -> factory(Map.of("AZURE_STORAGE_ACCOUNT", "other", "AZURE_STORAGE_KEY", "k"))
                .builderFor(URI.create("azure://devstoreaccount1/c01")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("make them agree");
    }
}
