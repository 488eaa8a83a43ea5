package dev.rkebackup.core.crypto;

/** How a repository's sets are protected; shown by {@code list}, {@code verify} and {@code backup}. */
public enum Protection {
    /** A round-1 store without a repository config: anyone who can read it sees everything, and can plant sets. */
    PLAINTEXT("not encrypted, not authenticated"),
    /** Every object encrypted and authenticated under keys that never reach the store. */
    ENCRYPTED("encrypted, authenticated");

    private final String label;

    Protection(String label) {
        this.label = label;
    }

    /**
     * The label printed for users.
     *
     * @return {@code "not encrypted, not authenticated"} or {@code "encrypted, authenticated"}
     */
    public String label() {
        return label;
    }

    /**
     * Whether objects are encrypted (and authenticated).
     *
     * @return true for {@link #ENCRYPTED}
     */
    public boolean encrypted() {
        return this == ENCRYPTED;
    }
}
