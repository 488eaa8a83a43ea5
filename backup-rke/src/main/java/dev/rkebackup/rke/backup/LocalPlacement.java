package dev.rkebackup.rke.backup;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.node.LocalNodeAccess;
import dev.rkebackup.rke.node.NodeAccessException;
import dev.rkebackup.rke.node.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the stored cluster config and {@code .rkestate} where RKE expects them: as the config file the restore runs
 * with and {@code <basename>.rkestate} beside it. Identical files are left alone; a different file is refused unless
 * forced, and then kept as {@code <file>.bak}.
 */
final class LocalPlacement {
    private final BackupRepository repository;
    private final Manifest manifest;
    private final ClusterConfig config;
    private final boolean force;

    LocalPlacement(BackupRepository repository, Manifest manifest, ClusterConfig config, boolean force) {
        this.repository = repository;
        this.manifest = manifest;
        this.config = config;
        this.force = force;
    }

    List<Path> place() {
        List<Path> placed = new ArrayList<>();
        Path configFile = config.sourcePath().orElseThrow().toAbsolutePath();
        for (ArtifactEntry a : manifest.artifacts()) {
            if (RkeArtifacts.CLUSTER_CONFIG.equals(a.kind())) {
                placed.add(put(a, configFile));
            } else if (RkeArtifacts.RKESTATE.equals(a.kind())) {
                placed.add(put(a, config.stateFilePath().orElseThrow().toAbsolutePath()));
            }
        }
        return placed;
    }

    private Path put(ArtifactEntry a, Path target) {
        try (LocalNodeAccess local = LocalNodeAccess.system()) {
            if (Files.exists(target) && force) {
                Path bak = target.resolveSibling(target.getFileName() + ".bak");
                String existing = local.sha256(target.toString());
                if (!existing.equals(a.sha256())) {
                    Files.copy(target, bak, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            try (InputStream in = repository.openArtifact(manifest.setId(), a.path())) {
                WriteResult w = local.writeAtomically(target.toString(), in, a.size(), force);
                if (!w.sha256().equals(a.sha256())) {
                    throw new IntegrityException(target + " was written with SHA-256 " + w.sha256() + " instead of "
                            + a.sha256());
                }
            }
            return target;
        } catch (NodeAccessException e) {
            if (e.problem() == NodeAccessException.Problem.ALREADY_EXISTS) {
                throw new InvalidInputException(target + " differs from " + a.path() + " in set "
                        + manifest.setId() + "; nothing was replaced. Compare them, then rerun with --force (the"
                        + " current file is kept as " + target.getFileName() + ".bak)");
            }
            throw e;
        } catch (IOException e) {
            throw StorageException.permanent("cannot place " + a.path() + " as " + target + ": " + e.getMessage(), e);
        }
    }
}
