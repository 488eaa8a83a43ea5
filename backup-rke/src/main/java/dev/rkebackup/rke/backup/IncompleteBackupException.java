package dev.rkebackup.rke.backup;

import dev.rkebackup.core.BackupException;
import java.util.List;

/**
 * A backup set lacks something a restore on its RKE version needs, so it was not committed (nothing of it remains in
 * the store). The message names each missing artifact and where it was looked for.
 */
public class IncompleteBackupException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> missing;

    /**
     * Creates the exception.
     *
     * @param missing one sentence per missing artifact: what and where it was looked for
     */
    public IncompleteBackupException(List<String> missing) {
        super("backup is incomplete, nothing was stored: " + String.join("; ", missing)
                + ". Fix the cause, or store it anyway marked incomplete (allowIncomplete / --allow-incomplete)");
        this.missing = List.copyOf(missing);
    }

    /**
     * What is missing.
     *
     * @return one sentence per missing artifact
     */
    public List<String> missing() {
        return missing;
    }
}
