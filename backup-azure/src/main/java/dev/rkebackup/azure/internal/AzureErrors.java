package dev.rkebackup.azure.internal;

import com.azure.storage.blob.models.BlobStorageException;
import dev.rkebackup.core.StorageException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

/**
 * Turns Azure SDK failures into {@link StorageException}s. Messages are built from the HTTP status and the service's
 * error code only, never from the SDK's text (which can carry request URLs with SAS parameters).
 */
public final class AzureErrors {
    private AzureErrors() {
    }

    /**
     * Classifies a failure.
     *
     * @param op what was done, e.g. "write"
     * @param what the key, or null for the container
     * @param where the store's description
     * @param container the container name
     * @param e the failure
     * @return the exception to throw
     */
    public static StorageException map(String op, String what, String where, String container, Throwable e) {
        if (e instanceof StorageException se) {
            return se;
        }
        String subject = what == null ? "" : " '" + what + "'";
        String prefix = "cannot " + op + subject + " in " + where + ": ";
        BlobStorageException bse = find(e, BlobStorageException.class);
        if (bse != null) {
            int status = bse.getStatusCode();
            String code = bse.getErrorCode() == null ? "" : bse.getErrorCode().toString();
            if ("ContainerNotFound".equals(code)) {
                return new StorageException(prefix + "container '" + container + "' does not exist; create it"
                        + " (az storage container create --name " + container + ") or fix the container in the"
                        + " azure:// location", null, false);
            }
            if ("AuthorizationPermissionMismatch".equals(code) || "AuthorizationResourceTypeMismatch".equals(code)) {
                return new StorageException(prefix + "the credentials do not allow this (" + code + "); a SAS token"
                        + " needs read, add, create, write, delete and list permissions (sp=racwdl) on the"
                        + " container", null, false);
            }
            if (status == 403 || status == 401) {
                return new StorageException(prefix + "the storage account refused the credentials (" + status
                        + (code.isEmpty() ? "" : " " + code) + "); check AZURE_STORAGE_KEY, the connection string"
                        + " or the SAS token (and its expiry), and the account name; a SAS token needs sp=racwdl on the"
                        + " container", null, false);
            }
            if (status == 404) {
                return new StorageException(prefix + "not found (" + code + ")", null, false);
            }
            boolean retryable = status >= 500 || status == 408 || status == 429;
            return new StorageException(prefix + "the service answered " + status
                    + (code.isEmpty() ? "" : " " + code), null, retryable);
        }
        Throwable io = find(e, java.io.IOException.class);
        if (io != null || find(e, TimeoutException.class) != null || e instanceof UncheckedIOException) {
            Throwable root = io != null ? io : e;
            return new StorageException(prefix + "the connection failed (" + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + safe(root.getMessage())) + "); check the endpoint"
                    + " and the network, then run the command again", null, true);
        }
        return new StorageException(prefix + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + safe(e.getMessage())), null, true);
    }

    /** Drops anything after a '?' or 'sig=' (URLs with SAS parameters). */
    private static String safe(String message) {
        String m = message;
        int q = m.indexOf('?');
        if (q >= 0) {
            m = m.substring(0, q) + "?…";
        }
        int sig = m.toLowerCase(java.util.Locale.ROOT).indexOf("sig=");
        if (sig >= 0) {
            m = m.substring(0, sig) + "…";
        }
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
