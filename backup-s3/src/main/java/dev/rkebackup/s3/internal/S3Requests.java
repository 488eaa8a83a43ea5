package dev.rkebackup.s3.internal;

import dev.rkebackup.core.StorageException;
import dev.rkebackup.s3.ServerSideEncryption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Request details shared by the store's operations. */
public final class S3Requests {
    private static final Logger LOG = LoggerFactory.getLogger(S3Requests.class);
    private static final int DELETE_BATCH = 1000;

    private S3Requests() {
    }

    /**
     * The content type for a key: {@code application/zip} for RKE's snapshot zips (as rke-tools uploads them),
     * {@code application/json} for manifests, else {@code application/octet-stream}.
     *
     * @param key the key
     * @return the content type
     */
    public static String contentType(String key) {
        if (key.endsWith(".zip")) {
            return "application/zip";
        }
        if (key.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }

    /**
     * Adds content type, encryption and storage class to a PUT.
     *
     * @param b the request builder
     * @param key the S3 key
     * @param sse the encryption, or null
     * @param storageClass the storage class, or null
     * @return the builder
     */
    public static PutObjectRequest.Builder putOptions(PutObjectRequest.Builder b, String key,
            ServerSideEncryption sse, String storageClass) {
        b.contentType(contentType(key));
        if (sse instanceof ServerSideEncryption.Aes256) {
            b.serverSideEncryption(software.amazon.awssdk.services.s3.model.ServerSideEncryption.AES256);
        } else if (sse instanceof ServerSideEncryption.Kms kms) {
            b.serverSideEncryption(software.amazon.awssdk.services.s3.model.ServerSideEncryption.AWS_KMS);
            if (!kms.keyId().isEmpty()) {
                b.ssekmsKeyId(kms.keyId());
            }
        }
        if (storageClass != null) {
            b.storageClass(storageClass);
        }
        return b;
    }

    /**
     * Adds content type, encryption and storage class to a multipart upload.
     *
     * @param b the request builder
     * @param key the S3 key
     * @param sse the encryption, or null
     * @param storageClass the storage class, or null
     * @return the builder
     */
    public static CreateMultipartUploadRequest.Builder createOptions(CreateMultipartUploadRequest.Builder b,
            String key, ServerSideEncryption sse, String storageClass) {
        b.contentType(contentType(key));
        if (sse instanceof ServerSideEncryption.Aes256) {
            b.serverSideEncryption(software.amazon.awssdk.services.s3.model.ServerSideEncryption.AES256);
        } else if (sse instanceof ServerSideEncryption.Kms kms) {
            b.serverSideEncryption(software.amazon.awssdk.services.s3.model.ServerSideEncryption.AWS_KMS);
            if (!kms.keyId().isEmpty()) {
                b.ssekmsKeyId(kms.keyId());
            }
        }
        if (storageClass != null) {
            b.storageClass(storageClass);
        }
        return b;
    }

    /**
     * Deletes keys in batches of 1,000 with DeleteObjects, falling back to one DeleteObject per key on servers
     * that do not implement the batch call. Missing keys are not an error.
     *
     * @param s3 the client
     * @param bucket the bucket
     * @param prefix the store prefix, to turn S3 keys back into store keys for messages
     * @param keys the S3 keys
     * @param ctx the error context
     * @throws StorageException if an object could not be deleted
     */
    public static void deleteAll(S3Client s3, String bucket, String prefix, List<String> keys, S3Errors.Context ctx) {
        for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
            List<String> batch = keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH));
            if (batch.size() == 1) {
                deleteOne(s3, bucket, prefix, batch.get(0), ctx);
                continue;
            }
            List<ObjectIdentifier> ids = new ArrayList<>();
            for (String k : batch) {
                ids.add(ObjectIdentifier.builder().key(k).build());
            }
            DeleteObjectsResponse r;
            try {
                r = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids).quiet(true)));
            } catch (S3Exception e) {
                if (e.statusCode() == 501) {
                    LOG.debug("server does not implement DeleteObjects; deleting {} keys one by one", batch.size());
                    for (String k : batch) {
                        deleteOne(s3, bucket, prefix, k, ctx);
                    }
                    continue;
                }
                throw S3Errors.map("delete", null, e, ctx);
            } catch (SdkException e) {
                throw S3Errors.map("delete", null, e, ctx);
            }
            List<S3Error> errors = r.errors().stream().filter(err -> !"NoSuchKey".equals(err.code())).toList();
            if (!errors.isEmpty()) {
                S3Error first = errors.get(0);
                boolean denied = "AccessDenied".equals(first.code());
                String what = "delete in " + ctx.store() + " failed for " + errors.size() + " object(s),"
                        + " first '" + storeKey(prefix, first.key()) + "': " + first.code();
                throw denied
                        ? StorageException.permanent(what
                                + "; give these credentials s3:DeleteObject on the bucket and prefix", null)
                        : StorageException.retryable(what
                                + "; retry, and check the server's logs if it keeps failing", null);
            }
        }
    }

    private static void deleteOne(S3Client s3, String bucket, String prefix, String key, S3Errors.Context ctx) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            if (e instanceof S3Exception s3e && s3e.statusCode() == 404 && s3e.awsErrorDetails() != null
                    && "NoSuchKey".equals(s3e.awsErrorDetails().errorCode())) {
                return;
            }
            throw S3Errors.map("delete", storeKey(prefix, key), e, ctx);
        }
    }

    private static String storeKey(String prefix, String s3Key) {
        return prefix.isEmpty() || !s3Key.startsWith(prefix + "/") ? s3Key : s3Key.substring(prefix.length() + 1);
    }
}
