package dev.rkebackup.s3.internal;

import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.StorageException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns AWS SDK failures into core {@link StorageException}s whose messages say what failed and what to do.
 * Messages carry the operation, key, store description, S3 error code and HTTP status, never a credential: the
 * SDK's own message is not copied because some servers echo request details in it.
 */
public final class S3Errors {
    private S3Errors() {
    }

    /**
     * What a message needs to know about the store.
     *
     * @param store the store description (bucket, prefix, endpoint), without credentials
     * @param endpoint the endpoint for network messages, such as {@code https://minio:9000} or {@code AWS S3}
     * @param region the region the client signs for
     * @param customCa whether a custom CA was configured
     * @param regionExplicit whether the region was given by the user (so a mismatch is the user's to fix)
     */
    public record Context(String store, String endpoint, String region, boolean customCa, boolean regionExplicit) {
    }

    /**
     * Maps a failure.
     *
     * @param operation what was attempted, such as {@code put} or {@code list}
     * @param key the key involved (relative to the store), or {@code null} for store-wide operations
     * @param e the SDK failure
     * @param ctx the store context
     * @return the exception to throw
     */
    public static StorageException map(String operation, String key, SdkException e, Context ctx) {
        String what = key == null ? operation + " in " + ctx.store()
                : operation + " of '" + key + "' in " + ctx.store();
        if (e instanceof S3Exception s3) {
            return mapService(what, key, s3, ctx);
        }
        return mapClient(what, e, ctx);
    }

    private static StorageException mapService(String what, String key, S3Exception e, Context ctx) {
        AwsErrorDetails details = e.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "" : details.errorCode();
        int status = e.statusCode();
        String serverMessage = details == null || details.errorMessage() == null ? "" : details.errorMessage();
        Optional<String> bucketRegion = details == null || details.sdkHttpResponse() == null ? Optional.empty()
                : details.sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
        String tag = " (S3 " + (code.isEmpty() ? "" : code + ", ") + "HTTP " + status + ")";

        if (e instanceof NoSuchKeyException || "NoSuchKey".equals(code)) {
            return key == null ? StorageException.permanent(what + " failed: object not found" + tag, e)
                    : new ObjectNotFoundException(key, ctx.store());
        }
        if (e instanceof NoSuchBucketException || "NoSuchBucket".equals(code)) {
            return StorageException.permanent(what + " failed: the bucket does not exist" + tag
                    + "; create it first (for example `s3cmd mb s3://BUCKET`) or fix the bucket name", e);
        }
        if ("InvalidAccessKeyId".equals(code)) {
            return StorageException.permanent(what + " failed: the server does not know the access key id" + tag
                    + "; check the access key (AWS_ACCESS_KEY_ID, or access_key in RKE's s3backupconfig)", e);
        }
        if ("SignatureDoesNotMatch".equals(code)) {
            return StorageException.permanent(what + " failed: the request signature does not match" + tag
                    + "; the secret key is wrong for this access key: check the secret key (AWS_SECRET_ACCESS_KEY, or"
                    + " secret_key in RKE's s3backupconfig); a proxy that rewrites requests can also cause this",
                    e);
        }
        if ("RequestTimeTooSkewed".equals(code)) {
            return StorageException.permanent(what + " failed: this machine's clock differs too much from the server's"
                    + tag + "; synchronise the clock (NTP) and retry", e);
        }
        if (isRegionProblem(code, status, bucketRegion, ctx)) {
            String expected = bucketRegion.orElse(regionFromMessage(serverMessage).orElse("?"));
            return StorageException.permanent(what + " failed: the bucket is in region '" + expected
                    + "' but requests are signed for '" + ctx.region() + "'" + tag + "; set the region to '"
                    + expected + "' (region=" + expected + " in the s3:// URI, or region in s3backupconfig)", e);
        }
        if (isDamageCode(code)) {
            return StorageException.retryable(what + " failed: the server rejected the data because its checksum"
                    + " did not match" + tag + "; the bytes were damaged in transit, retry the operation", e);
        }
        if ("AccessDenied".equals(code) || "AllAccessDisabled".equals(code) || status == 403) {
            return StorageException.permanent(what + " failed: access denied" + tag + "; give these credentials"
                    + " s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject and s3:AbortMultipartUpload on the"
                    + " bucket and prefix, or check a KMS key policy when server-side encryption with KMS is used",
                    e);
        }
        if ("NotImplemented".equals(code) || status == 501) {
            return StorageException.permanent(what + " failed: the server does not implement this request" + tag
                    + "; it may be an older S3-compatible server: keep the default checksum mode (WHEN_REQUIRED)"
                    + " and turn off options it lacks (server-side encryption, storage class, SHA-256 checksums)",
                    e);
        }
        boolean retryable = status >= 500 || status == 429 || "SlowDown".equals(code) || "RequestTimeout".equals(code)
                || "InternalError".equals(code) || e.retryable() || e.isThrottlingException();
        String detail = serverMessage.isEmpty() ? "" : ": " + truncate(serverMessage);
        if (retryable) {
            return StorageException.retryable(what + " failed" + detail + tag
                    + "; the server had a temporary problem, retry later", e);
        }
        return StorageException.permanent(what + " failed" + detail + tag
                + "; check the request and the server's logs", e);
    }

    /**
     * Tells whether the server rejected a request body because its SHA-256 (signature or checksum header) did not
     * match: the bytes were damaged on the way, and sending the same buffer again is safe and likely to succeed.
     *
     * @param t a failure
     * @return true for checksum mismatches reported by the server
     */
    public static boolean isDamagedInTransit(Throwable t) {
        return t instanceof S3Exception s3 && s3.awsErrorDetails() != null
                && isDamageCode(s3.awsErrorDetails().errorCode() == null ? "" : s3.awsErrorDetails().errorCode());
    }

    private static boolean isDamageCode(String code) {
        return "BadDigest".equals(code) || "XAmzContentSHA256Mismatch".equals(code) || "InvalidDigest".equals(code)
                || "InvalidChecksum".equals(code) || code.startsWith("Checksum");
    }

    private static boolean isRegionProblem(String code, int status, Optional<String> bucketRegion, Context ctx) {
        if ("PermanentRedirect".equals(code) || "IllegalLocationConstraintException".equals(code)) {
            return true;
        }
        if (bucketRegion.isPresent() && !bucketRegion.get().equalsIgnoreCase(ctx.region())
                && (status == 301 || status == 400 || "AuthorizationHeaderMalformed".equals(code))) {
            return true;
        }
        return "AuthorizationHeaderMalformed".equals(code) && status == 400 && ctx.regionExplicit();
    }

    private static Optional<String> regionFromMessage(String message) {
        // AWS: "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'"
        int i = message.indexOf("expecting '");
        if (i < 0) {
            return Optional.empty();
        }
        int start = i + "expecting '".length();
        int end = message.indexOf('\'', start);
        return end > start ? Optional.of(message.substring(start, end)) : Optional.empty();
    }

    private static StorageException mapClient(String what, SdkException e, Context ctx) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof GeneralSecurityException) {
                return StorageException.permanent(what + " failed: the TLS connection to " + ctx.endpoint()
                        + " could not be established (" + t.getClass().getSimpleName() + ": " + truncate(t.getMessage())
                        + "); " + (ctx.customCa()
                        ? "the configured custom CA does not sign the server's certificate, or the host name does not"
                        + " match it: check the CA (customCa / ca-file / custom_ca) and the endpoint host"
                        : "if the server's certificate comes from a private CA, pass that CA with customCaPem(..) or"
                        + " customCaFile(..) (ca-file= in the s3:// URI, custom_ca in RKE's s3backupconfig)")
                        + "; insecureSkipTlsVerify(true) is for tests only", e);
            }
            if (t instanceof UnknownHostException) {
                return StorageException.permanent(what + " failed: the host of " + ctx.endpoint()
                        + " cannot be resolved ("
                        + truncate(t.getMessage()) + "); check the endpoint's host name and DNS", e);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof InterruptedIOException) {
                return StorageException.retryable(what + " failed: cannot reach " + ctx.endpoint() + " ("
                        + t.getClass().getSimpleName() + ": " + truncate(t.getMessage()) + "); check the endpoint URL"
                        + " and port, that the server runs, and firewalls; then retry", e);
            }
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof SdkClientException
                && message.toLowerCase(Locale.ROOT).contains("unable to load credentials")) {
            return StorageException.permanent(what + " failed: no S3 credentials were found; set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, configure an AWS profile or instance role, or pass credentials(..)",
                    e);
        }
        return StorageException.retryable(what + " failed: " + e.getClass().getSimpleName() + ": " + truncate(message)
                + "; retry, and check the endpoint " + ctx.endpoint() + " if it keeps failing", e);
    }

    private static String truncate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
