package dev.rkebackup.core;

/** A key that was expected in a store is not there. Never retryable. */
public class ObjectNotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final String key;

    /**
     * Creates a not-found failure.
     *
     * @param key the key that is missing
     * @param where a description of the store (no secrets)
     */
    public ObjectNotFoundException(String key, String where) {
        super("object '" + key + "' does not exist in " + where, null, false);
        this.key = key;
    }

    /**
     * Returns the key that was not found.
     *
     * @return the missing key
     */
    public String key() {
        return key;
    }
}
