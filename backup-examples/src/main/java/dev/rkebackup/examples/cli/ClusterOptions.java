package dev.rkebackup.examples.cli;

import dev.rkebackup.core.CommandException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.RkeBinary;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --config}, {@code --rke-version} and {@code --rke}, shared by the commands that work on a cluster. */
final class ClusterOptions {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The RKE cluster config (cluster.yml, rancher-cluster.yml).")
    Path config;

    @Option(names = "--rke-version", paramLabel = "V",
            description = "The RKE version (vX.Y.Z, optional pre-release suffix, or dev); used when --rke is not "
                    + "given to ask the binary.")
    String rkeVersion;

    @Option(names = "--rke", paramLabel = "PATH", description = "The rke executable (default: rke on the PATH).")
    Path rke;

    private ClusterConfig loaded;
    private RkeBinary binary;

    ClusterConfig config() {
        if (loaded == null) {
            loaded = ClusterConfig.load(config);
        }
        return loaded;
    }

    /** The version from --rke-version, else from the --rke binary; empty when neither is given. */
    Optional<RkeVersion> version() {
        if (rkeVersion != null) {
            return Optional.of(parseVersion(rkeVersion));
        }
        if (rke != null) {
            return Optional.of(binary().version());
        }
        return Optional.empty();
    }

    RkeVersion requireVersion() {
        return version().orElseThrow(() -> new InvalidInputException("the RKE version is needed: pass "
                + "--rke-version vX.Y.Z (what 'rke --version' prints) or --rke PATH"));
    }

    /** The rke binary from --rke or the PATH; its version is checked against --rke-version when both are given. */
    RkeBinary binary() {
        if (binary == null) {
            try {
                binary = rke != null ? RkeBinary.at(rke) : RkeBinary.onPath();
            } catch (CommandException e) {
                // the file runs but is not a working rke: that is a wrong --rke, i.e. bad input
                throw new InvalidInputException((rke != null ? "--rke " + rke : "rke on the PATH")
                        + " is not a working rke binary: " + e.getMessage()
                        + "; point --rke at the rke executable (rke --version must print 'rke version vX.Y.Z')");
            }
            if (rkeVersion != null && !parseVersion(rkeVersion).equals(binary.version())) {
                throw new InvalidInputException(binary.path() + " is RKE " + binary.version() + " but --rke-version "
                        + rkeVersion + " was given; drop --rke-version or point --rke at the right binary");
            }
        }
        return binary;
    }

    static RkeVersion parseVersion(String v) {
        if (!v.matches("v\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?") && !v.equals("dev")) {
            throw new InvalidInputException("'" + v + "' is not an RKE version; use vX.Y.Z (e.g. v1.6.3, "
                    + "v1.4.0-rc2) or dev");
        }
        return RkeVersion.parse(v);
    }
}
