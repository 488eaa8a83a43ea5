package dev.rkebackup.s3;

import dev.rkebackup.s3.support.S3ProxyServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** A plain SDK client on a test server, to set up situations behind the store's back. */
final class RawS3 {
    private RawS3() {
    }

    static S3Client client(S3ProxyServer server) {
        return S3Client.builder().httpClient(ApacheHttpClient.builder().build()).region(Region.US_EAST_1)
                .endpointOverride(server.endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    static Starter of(S3ProxyServer server) {
        return new Starter(server);
    }

    /** Starts multipart uploads and leaves them pending. */
    static final class Starter {
        private final S3ProxyServer server;

        Starter(S3ProxyServer server) {
            this.server = server;
        }

        String startUpload(String s3Key) {
            try (S3Client s3 = client(server)) {
                return s3.createMultipartUpload(b -> b.bucket(S3ProxyServer.BUCKET).key(s3Key)).uploadId();
            }
        }
    }
}
