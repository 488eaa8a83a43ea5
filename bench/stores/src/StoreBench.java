import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStores;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One store transfer in its own JVM, as the benchmark script times it: {@code put URI FILE KEY} streams the file into
 * the store, {@code get URI KEY} reads the object to nowhere. Credentials come from the environment as for the CLI.
 */
public final class StoreBench {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("container")) { // container ENDPOINT NAME: create it, print a container SAS (racwdl)
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "content-length");
            var c = new com.azure.storage.blob.BlobServiceClientBuilder().endpoint(args[1])
                    .httpClient(new com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder().build())
                    .credential(new com.azure.storage.common.StorageSharedKeyCredential(
                            System.getenv("AZURE_STORAGE_ACCOUNT"), System.getenv("AZURE_STORAGE_KEY")))
                    .buildClient().getBlobContainerClient(args[2]);
            c.createIfNotExists();
            System.out.println(c.generateSas(new com.azure.storage.blob.sas.BlobServiceSasSignatureValues(
                    java.time.OffsetDateTime.now().plusHours(3),
                    com.azure.storage.blob.sas.BlobContainerSasPermission.parse("racwdl"))));
            return;
        }
        try (ObjectStore store = ObjectStores.open(args[1])) {
            if (args[0].equals("put")) {
                Path file = Path.of(args[2]);
                try (InputStream in = Files.newInputStream(file)) {
                    store.put(args[3], in, Files.size(file));
                }
            } else {
                try (InputStream in = store.open(args[2])) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
        }
    }
}
