package dev.rkebackup.rke.exec.internal;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import java.nio.file.Path;

/** Refuses settings the detected RKE version lacks, before anything runs. Stateless. */
public final class VersionGate {
    private VersionGate() {
    }

    /**
     * Throws unless {@code version} has {@code needed}.
     *
     * @param needed the behaviour the setting needs; its first version is named in the message
     * @param feature what the caller asked for, e.g. {@code "the S3 folder (--folder / folder)"}
     * @param consequence what older versions do with it, e.g. {@code "they ignore the key silently"}
     * @param version the detected version
     * @param binary the rke binary
     * @throws InvalidInputException when not supported
     */
    public static void require(RkeFeature needed, String feature, String consequence, RkeVersion version,
            Path binary) {
        if (!version.has(needed)) {
            String addedIn = needed.since();
            throw new InvalidInputException(feature + " needs RKE " + addedIn + " or later (added in " + addedIn
                    + "), but " + binary + " is " + version + "; " + consequence + ". Upgrade rke to " + addedIn
                    + " or later, or leave the setting out.");
        }
    }
}
