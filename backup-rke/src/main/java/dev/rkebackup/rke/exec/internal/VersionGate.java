package dev.rkebackup.rke.exec.internal;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.RkeVersion;
import java.nio.file.Path;

/** Refuses settings the detected RKE version lacks, before anything runs. Stateless. */
public final class VersionGate {
    private VersionGate() {
    }

    /**
     * Throws unless {@code supported}.
     *
     * @param supported whether the version has the feature
     * @param feature what the caller asked for, e.g. {@code "the S3 folder (--folder / folder)"}
     * @param addedIn the first version that has it, e.g. {@code "v0.2.7"}
     * @param consequence what older versions do with it, e.g. {@code "they ignore the key silently"}
     * @param version the detected version
     * @param binary the rke binary
     * @throws InvalidInputException when not supported
     */
    public static void require(boolean supported, String feature, String addedIn, String consequence,
            RkeVersion version, Path binary) {
        if (!supported) {
            throw new InvalidInputException(feature + " needs RKE " + addedIn + " or later (added in " + addedIn
                    + "), but " + binary + " is " + version + "; " + consequence + ". Upgrade rke to " + addedIn
                    + " or later, or leave the setting out.");
        }
    }
}
