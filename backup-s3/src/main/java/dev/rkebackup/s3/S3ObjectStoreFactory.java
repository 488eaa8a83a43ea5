package dev.rkebackup.s3;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStoreFactory;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Opens {@link S3ObjectStore}s for {@code s3://} locations; registered with {@link java.util.ServiceLoader}, so
 * {@link dev.rkebackup.core.storage.ObjectStores#open(String)} finds it when backup-s3 is on the class path.
 *
 * <p>Form: {@code s3://BUCKET[/PREFIX][?option=value&...]} with options
 * <ul>
 *   <li>{@code endpoint=https://host:port} an S3-compatible server (default: AWS S3)</li>
 *   <li>{@code region=eu-west-1} (default: detected)</li>
 *   <li>{@code path-style=true|false} (default: true with an endpoint, else false)</li>
 *   <li>{@code ca-file=/path/ca.pem} a CA trusted in addition to the system CAs</li>
 *   <li>{@code insecure-skip-tls-verify=true} for tests only</li>
 *   <li>{@code sse=AES256|aws:kms}, {@code sse-kms-key-id=...}, {@code storage-class=STANDARD_IA}</li>
 *   <li>{@code part-size-mib=16}, {@code concurrency=4}, {@code multipart-threshold-mib=16},
 *       {@code sha256-checksums=true}</li>
 * </ul>
 * Credentials never go into the URI: they come from {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}
 * (and {@code AWS_SESSION_TOKEN}), else from the SDK's default chain (profile, instance role, ...).
 *
 * <p>Thread-safe and stateless.
 */
public final class S3ObjectStoreFactory implements ObjectStoreFactory {
    private static final Set<String> OPTIONS = Set.of("endpoint", "region", "path-style", "ca-file",
            "insecure-skip-tls-verify", "sse", "sse-kms-key-id", "storage-class", "part-size-mib", "concurrency",
            "sha256-checksums", "multipart-threshold-mib");

    private final UnaryOperator<String> env;

    /** Creates the factory; called by {@link java.util.ServiceLoader}. Reads credentials from the environment. */
    public S3ObjectStoreFactory() {
        this(System::getenv);
    }

    /**
     * Creates a factory that reads credentials from a given environment instead of the process's.
     *
     * @param env looks up environment variables; returns null for unset ones
     */
    public S3ObjectStoreFactory(UnaryOperator<String> env) {
        this.env = env;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("s3");
    }

    @Override
    public ObjectStore create(URI uri) {
        return builderFor(uri).build();
    }

    /**
     * Turns a location into a builder, for callers that want to adjust it before building.
     *
     * @param uri an {@code s3://} URI
     * @return a configured builder
     * @throws InvalidInputException if the URI is malformed, has credentials or an unknown option
     */
    public S3ObjectStoreBuilder builderFor(URI uri) {
        if (!"s3".equalsIgnoreCase(uri.getScheme())) {
            throw new InvalidInputException("not an s3:// location: scheme '" + uri.getScheme() + "'");
        }
        if (uri.getRawUserInfo() != null) { // do not echo the URI: the user info may hold a secret
            throw new InvalidInputException("the s3:// location contains credentials before the bucket; remove them"
                    + " and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead");
        }
        String bucket = uri.getRawAuthority();
        if (bucket == null || bucket.isEmpty() || uri.isOpaque()) {
            throw new InvalidInputException("s3 location '" + uri + "' has no bucket; use s3://BUCKET/optional/prefix");
        }
        S3ObjectStoreBuilder b = S3ObjectStore.builder().bucket(bucket);
        String path = uri.getPath() == null ? "" : uri.getPath();
        b.prefix(path);
        Map<String, String> options = parseQuery(uri);
        options.forEach((name, value) -> apply(b, name, value));
        credentialsFromEnvironment(b);
        return b;
    }

    private static Map<String, String> parseQuery(URI uri) {
        Map<String, String> result = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return result;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8)
                    .toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!OPTIONS.contains(name)) {
                throw new InvalidInputException("unknown option '" + name + "' in s3 location; known options: "
                        + new java.util.TreeSet<>(OPTIONS) + " (credentials come from AWS_ACCESS_KEY_ID and"
                        + " AWS_SECRET_ACCESS_KEY, never from the URI)");
            }
            if (result.put(name, value) != null) {
                throw new InvalidInputException("option '" + name + "' is given twice in the s3 location");
            }
        }
        return result;
    }

    private static void apply(S3ObjectStoreBuilder b, String name, String value) {
        switch (name) {
            case "endpoint" -> b.endpoint(endpoint(value));
            case "region" -> b.region(value);
            case "path-style" -> b.pathStyle(bool(name, value));
            case "ca-file" -> b.customCaFile(Path.of(value));
            case "insecure-skip-tls-verify" -> b.insecureSkipTlsVerify(bool(name, value));
            case "sse" -> b.serverSideEncryption(sse(value));
            case "sse-kms-key-id" -> b.serverSideEncryption(ServerSideEncryption.kms(value));
            case "storage-class" -> b.storageClass(value);
            case "part-size-mib" -> b.partSize(number(name, value) * S3ObjectStoreBuilder.MIB);
            case "concurrency" -> b.concurrency((int) number(name, value));
            case "sha256-checksums" -> b.sha256Checksums(bool(name, value));
            case "multipart-threshold-mib" -> b.multipartThreshold(number(name, value) * S3ObjectStoreBuilder.MIB);
            default -> throw new IllegalStateException("unhandled option " + name);
        }
    }

    private static URI endpoint(String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("endpoint '" + value + "' in the s3 location is not a URL; give"
                    + " https://host:port (percent-encode it if it has special characters)", e);
        }
    }

    private static ServerSideEncryption sse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "aes256" -> ServerSideEncryption.aes256();
            case "aws:kms", "kms" -> ServerSideEncryption.kms();
            default -> throw new InvalidInputException("unknown sse '" + value + "' in the s3 location; use AES256"
                    + " or aws:kms (with sse-kms-key-id=... for a specific key)");
        };
    }

    private static boolean bool(String name, String value) {
        if (value.equalsIgnoreCase("true") || value.isEmpty()) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new InvalidInputException("option '" + name + "' in the s3 location must be true or false: '"
                + value + "'");
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("option '" + name + "' in the s3 location must be a number: '"
                    + value + "'", e);
        }
    }

    private void credentialsFromEnvironment(S3ObjectStoreBuilder b) {
        String id = env.apply("AWS_ACCESS_KEY_ID");
        String secret = env.apply("AWS_SECRET_ACCESS_KEY");
        boolean hasId = id != null && !id.isEmpty();
        boolean hasSecret = secret != null && !secret.isEmpty();
        if (hasId != hasSecret) {
            throw new InvalidInputException((hasId ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID")
                    + " is not set while " + (hasId ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") + " is; set"
                    + " both, or neither to use the default credential chain (profile, instance role)");
        }
        if (hasId) {
            b.credentials(Secret.of(id), Secret.of(secret));
            String token = env.apply("AWS_SESSION_TOKEN");
            if (token != null && !token.isEmpty()) {
                b.sessionToken(Secret.of(token));
            }
        }
    }
}
