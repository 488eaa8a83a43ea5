package dev.rkebackup.azure;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.ObjectStoreFactory;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Opens {@link AzureBlobObjectStore}s for {@code azure://} locations; registered with {@link java.util.ServiceLoader}.
 *
 * <p>Form: {@code azure://ACCOUNT/CONTAINER[/PREFIX][?option=value&...]} with options
 * <ul>
 *   <li>{@code endpoint=http://127.0.0.1:10000/devstoreaccount1} (default {@code https://ACCOUNT.blob.core.windows.net})</li>
 *   <li>{@code block-size-mib=8}, {@code concurrency=4}</li>
 * </ul>
 * Credentials never go into the URI. They come from the environment, in this order:
 * {@code AZURE_STORAGE_CONNECTION_STRING}, {@code AZURE_STORAGE_SAS_TOKEN}, or {@code AZURE_STORAGE_KEY} (with
 * {@code AZURE_STORAGE_ACCOUNT}, which must then name the same account when set).
 */
public final class AzureBlobObjectStoreFactory implements ObjectStoreFactory {
    private static final Set<String> OPTIONS = Set.of("endpoint", "block-size-mib", "concurrency");

    private final UnaryOperator<String> env;

    /** Creates the factory; called by {@link java.util.ServiceLoader}. Reads credentials from the environment. */
    public AzureBlobObjectStoreFactory() {
        this(System::getenv);
    }

    /**
     * Creates a factory that reads credentials from a given environment.
     *
     * @param env looks up environment variables; null for unset ones
     */
    public AzureBlobObjectStoreFactory(UnaryOperator<String> env) {
        this.env = env;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("azure");
    }

    @Override
    public ObjectStore create(URI uri) {
        return builderFor(uri).build();
    }

    /**
     * Turns a location into a builder.
     *
     * @param uri an {@code azure://} URI
     * @return the builder, with credentials from the environment
     * @throws InvalidInputException if the URI is malformed, holds a credential, or no credential is set
     */
    public AzureBlobObjectStore.Builder builderFor(URI uri) {
        if (!"azure".equalsIgnoreCase(uri.getScheme())) {
            throw new InvalidInputException("not an azure:// location: scheme '" + uri.getScheme() + "'");
        }
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery().toLowerCase(Locale.ROOT);
        if (uri.getRawUserInfo() != null || query.contains("sig=") || query.contains("sv=")) {
            // never echo this URI: it holds a secret
            throw new InvalidInputException("the azure:// location contains a credential; remove it and set"
                    + " AZURE_STORAGE_SAS_TOKEN, AZURE_STORAGE_KEY or AZURE_STORAGE_CONNECTION_STRING instead");
        }
        String account = uri.getRawAuthority();
        if (uri.isOpaque() || account == null || account.isEmpty()) {
            throw new InvalidInputException("azure location '" + uri + "' has no account; use"
                    + " azure://ACCOUNT/CONTAINER/optional/prefix");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path.isEmpty()) {
            throw new InvalidInputException("azure location '" + uri + "' has no container; use"
                    + " azure://ACCOUNT/CONTAINER/optional/prefix");
        }
        if (uri.getFragment() != null) {
            throw new InvalidInputException("azure location '" + uri + "' must not have a #fragment");
        }
        int slash = path.indexOf('/');
        String container = slash < 0 ? path : path.substring(0, slash);
        String prefix = slash < 0 ? "" : path.substring(slash + 1);
        AzureBlobObjectStore.Builder b = AzureBlobObjectStore.builder(account, container).prefix(prefix);
        for (Map.Entry<String, String> o : parseQuery(uri).entrySet()) {
            switch (o.getKey()) {
                case "endpoint" -> b.endpoint(endpoint(o.getValue()));
                case "block-size-mib" -> b.blockSize((int) Math.min(Integer.MAX_VALUE,
                        number(o.getKey(), o.getValue()) << 20));
                case "concurrency" -> b.concurrency((int) number(o.getKey(), o.getValue()));
                default -> throw new IllegalStateException("unhandled option " + o.getKey());
            }
        }
        credentials(b, account);
        return b;
    }

    private void credentials(AzureBlobObjectStore.Builder b, String account) {
        String cs = env.apply("AZURE_STORAGE_CONNECTION_STRING");
        String sas = env.apply("AZURE_STORAGE_SAS_TOKEN");
        String key = env.apply("AZURE_STORAGE_KEY");
        String envAccount = env.apply("AZURE_STORAGE_ACCOUNT");
        if (envAccount != null && !envAccount.isEmpty() && !envAccount.equals(account)) {
            throw new InvalidInputException("AZURE_STORAGE_ACCOUNT is '" + envAccount + "' but the azure://"
                    + " location names account '" + account + "'; make them agree");
        }
        if (cs != null && !cs.isEmpty()) {
            b.connectionString(Secret.of(cs));
        } else if (sas != null && !sas.isEmpty()) {
            b.sasToken(Secret.of(sas.startsWith("?") ? sas.substring(1) : sas));
        } else if (key != null && !key.isEmpty()) {
            b.accountKey(Secret.of(key));
        } else {
            throw new InvalidInputException("no Azure credentials for account '" + account + "': set"
                    + " AZURE_STORAGE_KEY (and AZURE_STORAGE_ACCOUNT), AZURE_STORAGE_SAS_TOKEN or"
                    + " AZURE_STORAGE_CONNECTION_STRING");
        }
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
                throw new InvalidInputException("unknown option '" + name + "' in azure location; known options: "
                        + new TreeSet<>(OPTIONS) + " (credentials come from the environment, never from the URI)");
            }
            if (result.put(name, value) != null) {
                throw new InvalidInputException("option '" + name + "' is given twice in the azure location");
            }
        }
        return result;
    }

    private static URI endpoint(String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("endpoint '" + value + "' in the azure location is not a URL; give"
                    + " https://host:port/... (percent-encode it if it has special characters)");
        }
    }

    private static long number(String name, String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("option '" + name + "' in the azure location must be a positive number:"
                    + " '" + value + "'");
        }
    }
}
