package dev.rkebackup.core.repository;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies complete backup sets from one repository to another (any two stores): a second copy for the 3-2-1 rule.
 *
 * <p>A set is read through the source's verifying streams (a damaged artifact stops the copy) and written through
 * the target's writer, so an encrypted target gets the set encrypted with <em>its</em> keys; the manifest is written
 * last, with the same set id, creation time, metadata, notes and per-artifact size and SHA-256; the copy is then
 * verified at the target. Copying is idempotent: a set already at the target with the same artifacts that verifies
 * there is skipped. Only complete sets are copied. An encrypted source is never copied into a plaintext target.
 *
 * <pre>{@code
 * SetCopy copy = SetCopy.between(s3Repo, sftpRepo);
 * for (SetCopy.Result r : copy.copyAll()) System.out.println(r.setId() + " " + r.outcome());
 * }</pre>
 *
 * <p>Thread-safe if both repositories are (they are).
 */
public final class SetCopy {
    private static final Logger LOG = LoggerFactory.getLogger(SetCopy.class);

    private final BackupRepository source;
    private final BackupRepository target;

    private SetCopy(BackupRepository source, BackupRepository target) {
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * Prepares copying between two repositories.
     *
     * @param source where the sets are read
     * @param target where they are written
     * @return the copier
     */
    public static SetCopy between(BackupRepository source, BackupRepository target) {
        return new SetCopy(source, target);
    }

    /** What happened (or, in a dry run, would happen) to one set. */
    public enum Outcome {
        /** The set was copied and verified at the target. */
        COPIED,
        /** The set is already at the target with the same artifacts and verifies there (dry run: not re-read). */
        ALREADY_PRESENT,
        /** Dry run: the set would be copied. */
        WOULD_COPY,
        /** The set is not complete (it cannot restore) and is not copied. */
        SKIPPED_INCOMPLETE
    }

    /**
     * The result for one set.
     *
     * @param setId the set
     * @param outcome what happened
     * @param artifacts how many artifacts the set has
     * @param bytes the set's total size
     * @param detail a sentence for humans (why it was skipped, ...), may be empty
     */
    public record Result(String setId, Outcome outcome, int artifacts, long bytes, String detail) {
    }

    /**
     * Copies one set.
     *
     * @param setId the set
     * @param dryRun true to only tell what would happen
     * @return the result; an incomplete set is {@link Outcome#SKIPPED_INCOMPLETE}
     * @throws ObjectNotFoundException if the source has no such set
     * @throws IntegrityException if the source set is damaged, the target holds a different or damaged set under the
     *     same id, or the copy does not verify at the target
     * @throws InvalidInputException if an encrypted source would be copied into a plaintext target
     * @throws StorageException if a store fails
     */
    public Result copy(String setId, boolean dryRun) {
        checkProtection();
        return copySet(source.manifest(setId), dryRun);
    }

    /**
     * Copies every readable set of the source, oldest first. Stops at the first failure.
     *
     * @param dryRun true to only tell what would happen
     * @return one result per set
     * @throws IntegrityException see {@link #copy}
     * @throws StorageException if a store fails
     */
    public List<Result> copyAll(boolean dryRun) {
        checkProtection();
        List<Result> results = new ArrayList<>();
        for (Manifest m : source.listSets()) {
            results.add(copySet(m, dryRun));
        }
        return results;
    }

    private void checkProtection() {
        if (source.protection().encrypted() && !target.protection().encrypted()) {
            throw new InvalidInputException("the source " + source.store().describe() + " is encrypted but the"
                    + " target " + target.store().describe() + " is not: copying would store the sets in plaintext."
                    + " Initialise the target as an encrypted repository first (rke-backup init), then copy again");
        }
    }

    private Result copySet(Manifest m, boolean dryRun) {
        String id = m.setId();
        int n = m.artifacts().size();
        if (!m.complete()) {
            return new Result(id, Outcome.SKIPPED_INCOMPLETE, n, m.totalBytes(), "the set is incomplete ("
                    + String.join("; ", m.notes()) + "); only complete sets are copied");
        }
        Optional<Manifest> existing = targetManifest(id);
        if (existing.isPresent()) {
            checkSameSet(m, existing.get());
            if (dryRun) {
                return new Result(id, Outcome.ALREADY_PRESENT, n, m.totalBytes(), "present at the target"
                        + " (not re-read in a dry run)");
            }
            VerifyReport report = target.verify(id);
            if (!report.ok()) {
                throw new IntegrityException("backup set " + id + " is already at " + target.store().describe()
                        + " but does not verify there (" + report.problems().get(0).detail() + "); remove that set"
                        + " from the target, then copy again");
            }
            return new Result(id, Outcome.ALREADY_PRESENT, n, m.totalBytes(), "already present and verified");
        }
        if (dryRun) {
            return new Result(id, Outcome.WOULD_COPY, n, m.totalBytes(), "");
        }
        try (BackupSetWriter w = target.newCopy(m)) {
            for (ArtifactEntry a : m.artifacts()) {
                try (InputStream in = source.openArtifact(id, a.path())) {
                    ArtifactEntry written = w.add(a.path(), a.kind(), a.source(), in, a.size(), a.attributes());
                    if (!written.sha256().equals(a.sha256())) {
                        throw new IntegrityException("artifact " + a.path() + " of set " + id + " was copied with"
                                + " SHA-256 " + written.sha256() + " instead of " + a.sha256() + "; nothing was"
                                + " committed at the target");
                    }
                } catch (IOException e) {
                    throw StorageException.retryable("cannot copy " + a.path() + " of set " + id + ": " + e.getMessage()
                            + "; nothing was committed at the target", e);
                }
            }
            m.notes().forEach(w::note);
            w.commit();
        }
        VerifyReport report = target.verify(id);
        if (!report.ok()) {
            throw new IntegrityException("the copy of backup set " + id + " does not verify at "
                    + target.store().describe() + ": " + report.problems().get(0).detail()
                    + "; check the target store, remove the set there and copy again");
        }
        LOG.info("copied backup set {} ({} artifacts, {} bytes) to {}", id, n, m.totalBytes(),
                target.store().describe());
        return new Result(id, Outcome.COPIED, n, m.totalBytes(), "");
    }

    private Optional<Manifest> targetManifest(String id) {
        try {
            return Optional.of(target.manifest(id));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    private void checkSameSet(Manifest m, Manifest there) {
        List<String> mine = m.artifacts().stream().map(a -> a.path() + " " + a.size() + " " + a.sha256()).toList();
        List<String> theirs = there.artifacts().stream().map(a -> a.path() + " " + a.size() + " " + a.sha256())
                .toList();
        if (!mine.equals(theirs)) {
            throw new IntegrityException("the target " + target.store().describe() + " already holds a different"
                    + " backup set with id " + m.setId() + " (its artifacts differ); nothing was copied. Copy into"
                    + " another store or prefix");
        }
    }
}
