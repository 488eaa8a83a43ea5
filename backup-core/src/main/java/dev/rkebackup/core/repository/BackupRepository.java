package dev.rkebackup.core.repository;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.ProgressListener;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.crypto.KeyRequiredException;
import dev.rkebackup.core.crypto.OpenedManifest;
import dev.rkebackup.core.crypto.Protection;
import dev.rkebackup.core.crypto.RepositoryCipher;
import dev.rkebackup.core.crypto.SetCipher;
import dev.rkebackup.core.internal.ManifestCodec;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.storage.ObjectKeys;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.core.storage.StoreConfirmation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smart, store-agnostic layer: backup sets with manifests on any {@link ObjectStore}.
 *
 * <p>Layout: {@code <prefix>/<set-id>/<artifact path>} and {@code <prefix>/<set-id>/manifest.json}. Artifacts are
 * written first and the manifest last, so a set without a readable manifest does not exist for listing,
 * verification, fetching or retention. The repository never deletes a key it did not write: retention removes only
 * the keys a manifest lists, and orphan clean-up only looks inside directories named like set ids.
 *
 * <p>Encryption: a store with a repository config object ({@link RepositoryCipher#CONFIG_NAME}) holds an encrypted
 * repository; it is read and written only through the {@link RepositoryCipher} given to {@link Builder#cipher}, and
 * any operation on its sets without one throws {@link KeyRequiredException}. Every artifact is then streamed through
 * the set's {@link SetCipher} and the manifest is sealed; size and SHA-256 in the manifest stay those of the
 * plaintext. A store without a config holds plaintext sets ({@link Protection#PLAINTEXT}).
 *
 * <p>Thread-safe; several repositories (in several processes) may write different sets into one store at once.
 * The repository does not own the store: closing the store is the caller's job.
 *
 * <pre>{@code
 * try (ObjectStore store = ObjectStores.open("/backups")) {
 *     BackupRepository repo = BackupRepository.builder(store).prefix("prod").build();
 *     try (BackupSetWriter w = repo.newSet(SetMetadata.of("prod"))) {
 *         w.add("cluster.yml", ArtifactKind.of("cluster-config"), ArtifactSource.local("cluster.yml"), bytes);
 *         w.commit();
 *     }
 *     repo.listSets().forEach(m -> System.out.println(m.setId() + " " + repo.verify(m.setId()).ok()));
 * }
 * }</pre>
 */
public final class BackupRepository {
    /** The manifest's name inside each set directory. */
    public static final String MANIFEST_NAME = "manifest.json";
    /** What set ids look like: a UTC timestamp and a random suffix. */
    public static final Pattern SET_ID = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{8}");

    private static final Logger LOG = LoggerFactory.getLogger(BackupRepository.class);
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String VERSION = loadVersion();

    private final ObjectStore store;
    private final String prefix;
    private final ProgressListener listener;
    private final Clock clock;
    private final RepositoryCipher cipher;
    private volatile Protection protection;

    private BackupRepository(Builder b) {
        this.store = b.store;
        this.prefix = b.prefix;
        this.listener = b.listener;
        this.clock = b.clock;
        this.cipher = b.cipher;
    }

    /**
     * Starts building a repository on a store.
     *
     * @param store where sets are kept; not closed by the repository
     * @return a builder
     */
    public static Builder builder(ObjectStore store) {
        return new Builder(store);
    }

    /**
     * A repository on a store with no prefix and no progress listener.
     *
     * @param store where sets are kept
     * @return the repository
     */
    public static BackupRepository create(ObjectStore store) {
        return builder(store).build();
    }

    /**
     * A builder pre-filled with this repository's settings.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(store).prefix(prefix).listener(listener).clock(clock);
        b.cipher = cipher;
        return b;
    }

    /**
     * How this repository's sets are protected, decided by the presence of the repository config object.
     *
     * @return {@link Protection#ENCRYPTED} or {@link Protection#PLAINTEXT}
     * @throws KeyRequiredException if a key was given but the store holds no encrypted repository
     * @throws StorageException if the store cannot be asked
     */
    public Protection protection() {
        Protection p = protection;
        if (p == null) {
            boolean hasConfig = store.stat(ObjectKeys.join(prefix, RepositoryCipher.CONFIG_NAME)).isPresent();
            if (!hasConfig && cipher != null) {
                throw new KeyRequiredException(store.describe() + " holds no encrypted repository (no "
                        + RepositoryCipher.CONFIG_NAME + "), but a key was given; initialise the repository first"
                        + " (rke-backup init), or, if it was initialised, its config was removed: do not trust"
                        + " this store");
            }
            p = hasConfig ? Protection.ENCRYPTED : Protection.PLAINTEXT;
            protection = p;
        }
        return p;
    }

    private RepositoryCipher requireCipher() {
        if (cipher == null) {
            throw new KeyRequiredException(store.describe() + " holds an encrypted repository and no key was given;"
                    + " give one: a password with --password-file F, RKE_BACKUP_PASSWORD_FILE=F or"
                    + " RKE_BACKUP_PASSWORD, or an age identity with --age-identity F");
        }
        return cipher;
    }

    /**
     * The underlying store.
     *
     * @return the store
     */
    public ObjectStore store() {
        return store;
    }

    /**
     * The key prefix under which sets live.
     *
     * @return the prefix, {@code ""} for the store's root
     */
    public String prefix() {
        return prefix;
    }

    ProgressListener listener() {
        return listener;
    }

    /**
     * Starts a new backup set. Nothing is visible until {@link BackupSetWriter#commit()}.
     *
     * @param metadata what the set is
     * @return a writer; close it (committed or not)
     */
    public BackupSetWriter newSet(SetMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        Instant now = clock.instant();
        byte[] rnd = new byte[4];
        RANDOM.nextBytes(rnd);
        String id = ID_TIME.format(now) + "-" + HexFormat.of().formatHex(rnd);
        SetCipher set = protection().encrypted() ? requireCipher().newSet(id) : PlaintextSet.INSTANCE;
        LOG.info("starting backup set {} for cluster {} in {} ({})", id, metadata.clusterName(), store.describe(),
                protection().label());
        return new BackupSetWriter(this, id, now, metadata, set);
    }

    /** Starts writing a copy of another repository's set: same id, creation time and metadata. */
    BackupSetWriter newCopy(Manifest original) {
        checkSetId(original.setId());
        SetCipher set = protection().encrypted() ? requireCipher().newSet(original.setId()) : PlaintextSet.INSTANCE;
        LOG.info("copying backup set {} into {} ({})", original.setId(), store.describe(), protection().label());
        return new BackupSetWriter(this, original.setId(), original.createdAt(), original.metadata(), set);
    }

    /**
     * Lists the sets whose manifests can be read, oldest first (by creation time, then id).
     *
     * @return the manifests
     * @throws StorageException if the store cannot be listed
     */
    public List<Manifest> listSets() {
        return scan().readable;
    }

    /**
     * Lists the sets whose manifest exists but cannot be read. They are left alone by every other operation.
     *
     * @return the unreadable sets
     */
    public List<UnreadableSet> listUnreadable() {
        return scan().unreadable;
    }

    /**
     * Reads one set's manifest.
     *
     * @param setId the set
     * @return the manifest
     * @throws ObjectNotFoundException if the set has no manifest (it does not exist)
     * @throws IntegrityException if the manifest cannot be read
     */
    public Manifest manifest(String setId) {
        return readSet(setId).manifest();
    }

    /** A set's manifest together with the cipher its artifacts are read with. */
    record ReadSet(Manifest manifest, SetCipher cipher) {
    }

    ReadSet readSet(String setId) {
        checkSetId(setId);
        boolean encrypted = protection().encrypted();
        RepositoryCipher c = encrypted ? requireCipher() : null;
        int max = encrypted ? 2 * ManifestCodec.MAX_MANIFEST_BYTES : ManifestCodec.MAX_MANIFEST_BYTES;
        String key = key(setId, MANIFEST_NAME);
        byte[] bytes;
        try (InputStream in = store.open(key)) {
            bytes = in.readNBytes(max + 1);
        } catch (ObjectNotFoundException e) {
            throw new ObjectNotFoundException(key, store.describe() + " (backup set " + setId
                    + " does not exist; list the sets to see which do)");
        } catch (IOException e) {
            throw StorageException.retryable("cannot read manifest " + key + ": " + e.getMessage(), e);
        }
        if (bytes.length > max) {
            throw new IntegrityException("manifest " + key + " is larger than " + max
                    + " bytes; it is not a manifest this library wrote");
        }
        if (c == null) {
            return new ReadSet(ManifestCodec.read(bytes, key, setId), PlaintextSet.INSTANCE);
        }
        OpenedManifest opened = c.openManifest(setId, bytes);
        return new ReadSet(ManifestCodec.read(opened.json(), key, setId), opened.set());
    }

    byte[] sealManifest(String setId, Instant createdAt, SetCipher set, byte[] json) {
        return set == PlaintextSet.INSTANCE ? json : requireCipher().sealManifest(setId, createdAt, set, json);
    }

    /**
     * Re-reads every artifact of a set and compares size and SHA-256 with the manifest.
     *
     * @param setId the set
     * @return one check per artifact; {@link VerifyReport#ok()} only if all match
     * @throws ObjectNotFoundException if the set does not exist
     * @throws IntegrityException if its manifest cannot be read
     */
    public VerifyReport verify(String setId) {
        ReadSet set = readSet(setId);
        List<ArtifactCheck> checks = new ArrayList<>();
        for (ArtifactEntry a : set.manifest().artifacts()) {
            checks.add(check(setId, a, set.cipher()));
        }
        VerifyReport report = new VerifyReport(setId, checks);
        if (report.ok()) {
            LOG.info("verified backup set {}: {} artifacts OK", setId, checks.size());
        } else {
            LOG.info("backup set {} is damaged: {}", setId, report.problems());
        }
        return report;
    }

    /**
     * Verifies sets reading only a subset of their objects in full (see {@link DataSubset}); the other objects are
     * checked for presence and size. {@code verify} of a nightly job can so cover the whole store over a week.
     *
     * @param sets the sets to check, as listed by {@link #listSets()}
     * @param subset which objects to read
     * @param random randomness for shares and amounts
     * @return one report per set, in the given order
     */
    public List<VerifyReport> verify(List<Manifest> sets, DataSubset subset, java.util.Random random) {
        List<DataSubset.ObjectRef> all = new ArrayList<>();
        for (Manifest m : sets) {
            m.artifacts().forEach(a -> all.add(new DataSubset.ObjectRef(m.setId(), a)));
        }
        java.util.Set<DataSubset.ObjectRef> read = subset.select(all, random);
        List<VerifyReport> reports = new ArrayList<>();
        for (Manifest m : sets) {
            reports.add(verify(m, a -> read.contains(new DataSubset.ObjectRef(m.setId(), a))));
        }
        return reports;
    }

    private VerifyReport verify(Manifest m, java.util.function.Predicate<ArtifactEntry> readData) {
        SetCipher set = readSet(m.setId()).cipher();
        List<ArtifactCheck> checks = new ArrayList<>();
        for (ArtifactEntry a : m.artifacts()) {
            checks.add(readData.test(a) ? check(m.setId(), a, set) : statCheck(m.setId(), a, set));
        }
        VerifyReport report = new VerifyReport(m.setId(), checks);
        LOG.info("checked backup set {}: {} of {} artifacts read in full, {}", m.setId(),
                checks.stream().filter(c -> !c.method().equals(ArtifactCheck.STAT)).count(), checks.size(),
                report.ok() ? "OK" : "damaged: " + report.problems());
        return report;
    }

    /**
     * Checks a set just written, without downloading what the store confirmed from its own record
     * ({@link BackupSetWriter#confirmations()}): the manifest is read back and must list exactly the artifacts
     * written, each confirmed artifact is reported with the store's method, and every other artifact is read back
     * and hashed.
     *
     * @param written the manifest {@link BackupSetWriter#commit()} returned
     * @param confirmations how the store confirmed each artifact
     * @return one check per artifact
     * @throws ObjectNotFoundException if the set has no manifest
     * @throws IntegrityException if its manifest cannot be read
     */
    public VerifyReport confirm(Manifest written, Map<String, StoreConfirmation> confirmations) {
        ReadSet read = readSet(written.setId());
        Manifest stored = read.manifest();
        List<ArtifactCheck> checks = new ArrayList<>();
        if (!stored.artifacts().equals(written.artifacts())) {
            checks.add(new ArtifactCheck(MANIFEST_NAME, ArtifactCheck.Status.CHECKSUM, "the stored manifest does"
                    + " not list the artifacts that were written; take a new backup", StoreConfirmation.READ_BACK));
        }
        for (ArtifactEntry a : written.artifacts()) {
            StoreConfirmation c = confirmations.get(a.path());
            checks.add(c == null ? check(written.setId(), a, read.cipher())
                    : new ArtifactCheck(a.path(), ArtifactCheck.Status.OK, c.detail(), c.method()));
        }
        VerifyReport report = new VerifyReport(written.setId(), checks);
        LOG.info("confirmed backup set {}: {}", written.setId(), report.ok() ? "OK" : report.problems());
        return report;
    }

    private ArtifactCheck statCheck(String setId, ArtifactEntry a, SetCipher set) {
        String key = key(setId, a.path());
        long expected = set.storedSize(a.size());
        try {
            java.util.Optional<ObjectInfo> info = store.stat(key);
            if (info.isEmpty()) {
                return new ArtifactCheck(a.path(), ArtifactCheck.Status.MISSING, "object " + key + " is missing",
                        ArtifactCheck.STAT);
            }
            if (info.get().size() != expected) {
                return new ArtifactCheck(a.path(), ArtifactCheck.Status.SIZE, "object " + key + " has "
                        + info.get().size() + " bytes but the manifest says " + expected
                        + "; the stored copy is damaged: do not restore from it", ArtifactCheck.STAT);
            }
            return new ArtifactCheck(a.path(), ArtifactCheck.Status.OK, "", ArtifactCheck.STAT);
        } catch (BackupException e) {
            return new ArtifactCheck(a.path(), ArtifactCheck.Status.UNREADABLE, "cannot look up " + key + ": "
                    + e.getMessage(), ArtifactCheck.STAT);
        }
    }

    private ArtifactCheck check(String setId, ArtifactEntry a, SetCipher set) {
        String key = key(setId, a.path());
        try (InputStream in = VerifyingInputStream.open(this, setId, a, set)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new ArtifactCheck(a.path(), ArtifactCheck.Status.OK, "");
        } catch (ObjectNotFoundException e) {
            return new ArtifactCheck(a.path(), ArtifactCheck.Status.MISSING, "object " + key + " is missing");
        } catch (VerifyingInputStream.SizeMismatch e) {
            return new ArtifactCheck(a.path(), ArtifactCheck.Status.SIZE, e.getMessage());
        } catch (VerifyingInputStream.ChecksumMismatch e) {
            return new ArtifactCheck(a.path(), ArtifactCheck.Status.CHECKSUM, e.getMessage());
        } catch (IOException e) {
            if (e.getCause() instanceof dev.rkebackup.core.crypto.AuthenticationException ae) {
                return new ArtifactCheck(a.path(), ArtifactCheck.Status.AUTHENTICATION, ae.getMessage());
            }
            return new ArtifactCheck(a.path(), ArtifactCheck.Status.UNREADABLE,
                    "cannot read " + key + ": " + e.getMessage());
        } catch (BackupException e) {
            return new ArtifactCheck(a.path(), ArtifactCheck.Status.UNREADABLE,
                    "cannot read " + key + ": " + e.getMessage());
        }
    }

    /**
     * Opens an artifact for streaming. The stream throws {@link IntegrityException} (wrapped in an
     * {@link IOException}) at its end if the size or SHA-256 differ from the manifest, so a consumer that reads to
     * the end has read verified bytes. The caller closes the stream.
     *
     * @param setId the set
     * @param path the artifact's path in the set
     * @return the stream
     * @throws ObjectNotFoundException if the set, the artifact entry or its object is missing
     */
    public InputStream openArtifact(String setId, String path) {
        ReadSet set = readSet(setId);
        ArtifactEntry a = set.manifest().artifact(path).orElseThrow(() -> new ObjectNotFoundException(path,
                "backup set " + setId + " (the manifest lists no such artifact)"));
        return VerifyingInputStream.open(this, setId, a, set.cipher());
    }

    /**
     * Downloads every artifact of a set into a directory, verifying each on the way. Files are created 0600; a
     * partly written file is removed on failure; an artifact path can never leave {@code directory}; existing files
     * are not overwritten.
     *
     * @param setId the set
     * @param directory the target directory (created if missing)
     * @return the files written, in manifest order
     * @throws IntegrityException if an artifact does not match its manifest entry
     * @throws StorageException if the store or the target directory fails
     */
    public List<Path> fetch(String setId, Path directory) {
        return Fetcher.fetch(this, readSet(setId), directory);
    }

    /**
     * Computes which sets a policy keeps, without changing anything. Sets with unreadable manifests are not part of
     * the plan; the newest complete set is always kept.
     *
     * @param policy the rules
     * @return the plan, newest set first
     */
    public RetentionPlan planRetention(RetentionPolicy policy) {
        return Retention.plan(listSets(), policy, clock.instant());
    }

    /**
     * Removes the sets a plan marks for removal: the manifest first (the set stops existing at once), then exactly
     * the artifact keys its manifest lists.
     *
     * @param plan a plan from {@link #planRetention(RetentionPolicy)}
     * @return the ids of the removed sets
     * @throws StorageException if a delete fails (what was not deleted stays, reported as orphans later)
     */
    public List<String> applyRetention(RetentionPlan plan) {
        List<String> removed = new ArrayList<>();
        for (RetentionPlan.Decision d : plan.decisions()) {
            if (d.keep()) {
                continue;
            }
            Manifest m = d.manifest();
            store.delete(List.of(key(m.setId(), MANIFEST_NAME)));
            store.delete(m.artifacts().stream().map(a -> key(m.setId(), a.path())).toList());
            removed.add(m.setId());
            LOG.info("retention removed backup set {} ({} bytes)", m.setId(), m.totalBytes());
        }
        return removed;
    }

    /**
     * Finds interrupted sets: set directories with artifacts but no manifest, last modified before
     * {@code now - grace}.
     *
     * @param grace how old the newest artifact must be; protects a backup that is still being written
     * @return the orphans, oldest first
     */
    public List<OrphanSet> findOrphans(java.time.Duration grace) {
        Instant cutoff = clock.instant().minus(grace);
        return scan().orphans.stream().filter(o -> o.lastModified().isBefore(cutoff)).toList();
    }

    /**
     * Deletes orphans found by {@link #findOrphans}. An orphan that has gained a manifest since is left alone.
     *
     * @param orphans what to delete
     */
    public void deleteOrphans(List<OrphanSet> orphans) {
        for (OrphanSet o : orphans) {
            if (store.stat(key(o.setId(), MANIFEST_NAME)).isPresent()) {
                LOG.info("set {} has a manifest now; not deleting it", o.setId());
                continue;
            }
            store.delete(o.keys());
            LOG.info("deleted interrupted set {} ({} objects)", o.setId(), o.keys().size());
        }
    }

    String key(String setId, String path) {
        return ObjectKeys.join(prefix, setId, path);
    }

    void deleteQuietly(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            store.delete(keys);
        } catch (RuntimeException e) {
            LOG.warn("could not remove {} objects of an unfinished set ({}); they will show up as an orphan",
                    keys.size(), e.getMessage());
        }
    }

    private static void checkSetId(String setId) {
        if (setId == null || !SET_ID.matcher(setId).matches()) {
            throw new dev.rkebackup.core.InvalidInputException("'" + setId + "' is not a backup set id (expected"
                    + " something like 20261126T110500Z-3f9a1c0b); list the sets to see their ids");
        }
    }

    private Scan scan() {
        if (protection().encrypted()) {
            requireCipher();
        }
        String base = prefix.isEmpty() ? "" : prefix + "/";
        Map<String, List<ObjectInfo>> bySet = new LinkedHashMap<>();
        for (ObjectInfo o : store.list(base)) {
            String rest = o.key().substring(base.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                continue;
            }
            String id = rest.substring(0, slash);
            if (SET_ID.matcher(id).matches()) {
                bySet.computeIfAbsent(id, k -> new ArrayList<>()).add(o);
            }
        }
        Scan s = new Scan();
        bySet.forEach((id, objects) -> {
            boolean hasManifest = objects.stream().anyMatch(o -> o.key().equals(key(id, MANIFEST_NAME)));
            if (!hasManifest) {
                Instant newest = objects.stream().map(ObjectInfo::lastModified).max(Comparator.naturalOrder())
                        .orElse(Instant.EPOCH);
                s.orphans.add(new OrphanSet(id, objects.stream().map(ObjectInfo::key).toList(), newest,
                        objects.stream().mapToLong(ObjectInfo::size).sum()));
                return;
            }
            try {
                s.readable.add(manifest(id));
            } catch (IntegrityException | ObjectNotFoundException e) {
                s.unreadable.add(new UnreadableSet(id, e.getMessage()));
            } catch (UncheckedIOException e) {
                s.unreadable.add(new UnreadableSet(id, String.valueOf(e.getMessage())));
            }
        });
        s.readable.sort(Comparator.comparing(Manifest::createdAt).thenComparing(Manifest::setId));
        s.orphans.sort(Comparator.comparing(OrphanSet::lastModified));
        return s;
    }

    private static final class Scan {
        final List<Manifest> readable = new ArrayList<>();
        final List<UnreadableSet> unreadable = new ArrayList<>();
        final List<OrphanSet> orphans = new ArrayList<>();
    }

    static String libraryVersion() {
        return VERSION;
    }

    private static String loadVersion() {
        try (InputStream in = BackupRepository.class.getResourceAsStream("/dev/rkebackup/core/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Builds a {@link BackupRepository}. Not thread-safe; the built repository is. */
    public static final class Builder {
        private final ObjectStore store;
        private String prefix = "";
        private ProgressListener listener = ProgressListener.NONE;
        private Clock clock = Clock.systemUTC();
        private RepositoryCipher cipher;

        private Builder(ObjectStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Sets the key prefix under which sets live, such as {@code prod-cluster}.
         *
         * @param prefix a valid key prefix without trailing slash, or {@code ""}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            String p = Objects.requireNonNull(prefix, "prefix");
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!p.isEmpty()) {
                ObjectKeys.validate(p);
            }
            this.prefix = p;
            return this;
        }

        /**
         * Sets the progress listener for every transfer.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets the clock used for set ids, creation times and retention ages (tests use a fixed clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the unlocked key of an encrypted repository (from {@code backup-crypto}'s {@code RepositoryKeys}).
         * Without one, an encrypted repository's sets can be neither read nor written; with one, a store that is
         * not an encrypted repository is refused.
         *
         * @param cipher the unlocked repository key
         * @return this builder
         */
        public Builder cipher(RepositoryCipher cipher) {
            this.cipher = Objects.requireNonNull(cipher, "cipher");
            return this;
        }

        /**
         * Builds the repository.
         *
         * @return the repository
         */
        public BackupRepository build() {
            return new BackupRepository(this);
        }
    }
}
