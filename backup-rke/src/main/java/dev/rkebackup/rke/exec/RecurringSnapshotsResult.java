package dev.rkebackup.rke.exec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link RkeRunner#applyRecurringSnapshots}: what changed in cluster.yml and whether {@code rke up}
 * confirmed it. Immutable and thread-safe; the diff has secrets redacted.
 */
public final class RecurringSnapshotsResult {
    private final RkeRunResult up;
    private final boolean configChanged;
    private final String diff;
    private final Path configBackup;

    RecurringSnapshotsResult(RkeRunResult up, boolean configChanged, String diff, Path configBackup) {
        this.up = Objects.requireNonNull(up, "up");
        this.configChanged = configChanged;
        this.diff = Objects.requireNonNull(diff, "diff");
        this.configBackup = configBackup;
    }

    /** @return the {@code rke up} outcome */
    public RkeRunResult up() {
        return up;
    }

    /** @return true when {@code rke up} printed {@code Finished building Kubernetes cluster successfully} */
    public boolean confirmed() {
        return up.confirmed();
    }

    /** @return true when the cluster.yml was edited */
    public boolean configChanged() {
        return configChanged;
    }

    /** @return the unified diff of the edit (secrets redacted), empty when unchanged */
    public String diff() {
        return diff;
    }

    /** @return the {@code .bak} copy of the previous cluster.yml, when it was edited */
    public Optional<Path> configBackup() {
        return Optional.ofNullable(configBackup);
    }

    @Override
    public String toString() {
        return "RecurringSnapshotsResult[changed=" + configChanged + ", up=" + up + "]";
    }
}
