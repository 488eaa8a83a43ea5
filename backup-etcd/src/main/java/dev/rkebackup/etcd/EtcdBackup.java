package dev.rkebackup.etcd;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.repository.BackupSetWriter;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.RetentionPolicy;
import dev.rkebackup.core.repository.SetMetadata;
import dev.rkebackup.core.repository.VerifyReport;
import dev.rkebackup.etcd.internal.RkeZipStream;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeSetInfo;
import dev.rkebackup.rke.RkeSetInfo;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.exec.SnapshotNames;
import dev.rkebackup.rke.snapshot.SnapshotCheck;
import dev.rkebackup.rke.snapshot.SnapshotLayout;
import dev.rkebackup.rke.snapshot.SnapshotVerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup without the {@code rke} binary: the snapshot is read through the etcd v3 API with the certificates of
 * the {@code .rkestate}, after checking that the members agree, and stored as a complete RKE restore set: the
 * snapshot in RKE's layout for the cluster's version (the plain file before v0.2.5, else {@code <name>.zip} with
 * {@code /backup/<name>} and, from v1.1.5, the {@code /etc/kubernetes/<name>.rkestate} entry), the cluster config
 * and the {@code .rkestate}. The snapshot streams once from the member into the store through the same structure
 * check (bbolt pages, SHA-256 trailer, zip) and hashing as any other snapshot; memory stays bounded.
 *
 * <p>The stream comes from the healthiest member (highest raft index, a follower before the leader) unless
 * {@link Builder#member} names one; a stream that breaks or fails the check is dropped and the next member is
 * tried. A revision lower than the newest stored set of the same etcd cluster id is refused unless
 * {@link Builder#allowOlderRevision}.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * EtcdBackupResult r = EtcdBackup.builder(config, RkeVersion.parse("v1.6.3"), repository)
 *     .targets(EtcdTargets.viaSsh(SshEndpoints.fromConfig(config, SshOptions.defaults())))
 *     .build()
 *     .run("nightly-2026-12-02");
 * }</pre>
 */
public final class EtcdBackup {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdBackup.class);
    private static final long MAX_STATE_BYTES = 64L * 1024 * 1024;

    private final ClusterConfig config;
    private final RkeVersion version;
    private final BackupRepository repository;
    private final EtcdTargets targets;
    private final EtcdCredentials credentials;
    private final String member;
    private final boolean allowOlderRevision;
    private final RetentionPolicy retention;
    private final Duration timeout;
    private final Clock clock;
    private final boolean readBack;

    private EtcdBackup(Builder b) {
        this.readBack = b.readBack;
        this.config = b.config;
        this.version = b.version;
        this.repository = b.repository;
        this.targets = b.targets;
        this.credentials = b.credentials;
        this.member = b.member;
        this.allowOlderRevision = b.allowOlderRevision;
        this.retention = b.retention;
        this.timeout = b.timeout;
        this.clock = b.clock;
    }

    /**
     * Starts building a job.
     *
     * @param config the cluster config, loaded from its file (its etcd nodes are the members; the file is stored)
     * @param version the RKE version of the cluster (decides the snapshot layout)
     * @param repository where the set goes
     * @return a builder
     */
    public static Builder builder(ClusterConfig config, RkeVersion version, BackupRepository repository) {
        return new Builder(config, version, repository);
    }

    /**
     * Checks that the members agree, without taking a snapshot.
     *
     * @return the agreement report
     */
    public MemberAgreement checkMembers() {
        try (EtcdMembers members = EtcdMembers.connect(config.requireEtcdNodes(), credentials(), targets, timeout)) {
            return members.agree();
        }
    }

    /**
     * Takes the snapshot and stores the set.
     *
     * @param snapshotName the bare snapshot name (as for {@code rke etcd snapshot-save --name})
     * @return what was stored
     * @throws MembersDisagreeException if the members do not agree (nothing stored)
     * @throws OlderRevisionException if the revision went backwards and that was not allowed (nothing stored)
     * @throws EtcdSnapshotException if no member delivered an intact snapshot (nothing stored)
     * @throws InvalidInputException for a bad name, a cluster older than RKE v0.2.0, or unusable certificates
     * @throws BackupException if the store fails
     */
    public EtcdBackupResult run(String snapshotName) {
        SnapshotNames.requireValid(snapshotName);
        Path configFile = config.sourcePath().orElseThrow(() -> new InvalidInputException(
                "the cluster config was not loaded from a file, so it cannot be backed up"));
        Path stateFile = config.stateFilePath().orElseThrow();
        byte[] state = readState(stateFile);
        EtcdCredentials creds = credentials();
        try (EtcdMembers members = EtcdMembers.connect(config.requireEtcdNodes(), creds, targets, timeout)) {
            MemberAgreement agreement = members.agree();
            if (!agreement.ok()) {
                throw new MembersDisagreeException(agreement);
            }
            LOG.info("etcd members agree: cluster {}, hashKV at revision {} equal on {} members",
                    agreement.clusterId(), agreement.revision(), agreement.hashes().size());
            List<String> notes = new ArrayList<>(agreement.warnings());
            Optional<RevisionGuard.Stored> stored = RevisionGuard.newest(repository, agreement.clusterId());
            List<MemberStatus> candidates = candidates(agreement);
            for (MemberStatus candidate : candidates) {
                Attempt a = attempt(members, candidate, agreement, stored, snapshotName, configFile, stateFile,
                        state, notes);
                if (a.result != null) {
                    return a.result;
                }
                notes.add("snapshot from member " + candidate.host() + " not stored: " + a.failure);
                LOG.warn("snapshot from {} failed: {}", candidate.host(), a.failure);
            }
            throw new EtcdSnapshotException("no etcd member delivered an intact snapshot; nothing was stored:\n  "
                    + String.join("\n  ", notes));
        }
    }

    private record Attempt(EtcdBackupResult result, String failure) {
    }

    private Attempt attempt(EtcdMembers members, MemberStatus candidate, MemberAgreement agreement,
            Optional<RevisionGuard.Stored> stored, String snapshotName, Path configFile, Path stateFile, byte[] state,
            List<String> notes) {
        MemberStatus before = members.status().stream().filter(s -> s.host().equals(candidate.host())).findFirst()
                .orElseThrow();
        if (!before.reachable()) {
            return new Attempt(null, before.problem());
        }
        List<String> setNotes = new ArrayList<>(notes);
        if (stored.isPresent() && before.revision() < stored.get().revision()) {
            OlderRevisionException older = new OlderRevisionException(agreement.clusterId(), before.revision(),
                    stored.get().revision(), stored.get().setId());
            if (!allowOlderRevision) {
                throw older;
            }
            setNotes.add("stored with --allow-older-revision: " + older.getMessage().split(":")[0]);
        }
        SnapshotLayout layout = version.has(RkeFeature.ZIPPED_SNAPSHOTS) ? SnapshotLayout.RKE_ZIP : SnapshotLayout.PLAIN;
        String fileName = version.snapshotFileName(snapshotName);
        String path = "snapshots/" + fileName;
        SetMetadata meta = RkeSetInfo.of(version, config.configGeneration())
                .applyTo(SetMetadata.of(config.clusterName()))
                .withLabel(SetMetadata.LABEL_SNAPSHOT_NAME, snapshotName)
                .withLabel(EtcdLabels.SOURCE, EtcdLabels.SOURCE_ETCD_API)
                .withLabel(EtcdLabels.CLUSTER_ID, agreement.clusterId())
                .withLabel(EtcdLabels.REVISION, String.valueOf(before.revision()))
                .withLabel(EtcdLabels.MEMBER, before.host())
                .withLabel(EtcdLabels.MEMBER_ID, MemberStatus.hex(before.memberId()))
                .withLabel(EtcdLabels.HASH_REVISION, String.valueOf(agreement.revision()))
                .withLabel(EtcdLabels.MEMBER_HASHES, new TreeMap<>(agreement.hashes()).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        Manifest manifest;
        java.util.Map<String, dev.rkebackup.core.storage.StoreConfirmation> confirmations;
        try (BackupSetWriter w = repository.newSet(meta)) {
            String failure = streamSnapshot(w, members, before.host(), layout, snapshotName, path,
                    version.has(RkeFeature.STATE_IN_SNAPSHOT) ? state : null);
            if (failure != null) {
                return new Attempt(null, failure);
            }
            MemberStatus after = members.status().stream().filter(s -> s.host().equals(before.host())).findFirst()
                    .orElseThrow();
            w.annotate(path, EtcdLabels.REVISION, String.valueOf(before.revision()));
            if (after.reachable()) {
                w.annotate(path, EtcdLabels.REVISION_MAX, String.valueOf(after.revision()));
            }
            w.add(configFile.getFileName().toString(), RkeArtifacts.CLUSTER_CONFIG,
                    ArtifactSource.local(configFile.toAbsolutePath().toString()), readSmall(configFile));
            w.add(stateFile.getFileName().toString(), RkeArtifacts.RKESTATE,
                    ArtifactSource.local(stateFile.toAbsolutePath().toString()), state);
            setNotes.forEach(w::note);
            manifest = w.commit();
            confirmations = w.confirmations();
        }
        // as for rke backups: the store's own record confirms what it can, the rest (everything with readBack) is
        // downloaded and hashed
        VerifyReport report = readBack ? repository.verify(manifest.setId())
                : repository.confirm(manifest, confirmations);
        List<String> pruned = List.of();
        if (retention != null && report.ok()) {
            pruned = repository.applyRetention(repository.planRetention(retention));
        }
        LOG.info("etcd snapshot of cluster {} from {} stored as set {} (revision {}, verified={})",
                agreement.clusterId(), before.host(), manifest.setId(), before.revision(), report.ok());
        return new Attempt(new EtcdBackupResult(manifest, report, agreement, before.host(), pruned), null);
    }

    /** Streams one member's snapshot into the set; returns null when stored and intact, else why not. */
    private String streamSnapshot(BackupSetWriter w, EtcdMembers members, String host, SnapshotLayout layout,
            String snapshotName, String path, byte[] stateEntry) {
        ArtifactEntry entry = null;
        EtcdMembers.SnapshotStream raw;
        try {
            raw = members.openSnapshot(host);
        } catch (EtcdSnapshotException e) {
            return e.getMessage();
        }
        try (raw) {
            InputStream content = raw;
            long length = raw.length();
            if (layout == SnapshotLayout.RKE_ZIP) {
                RkeZipStream zip = new RkeZipStream(raw, raw.length(), snapshotName, stateEntry);
                content = zip;
                length = zip.length();
            }
            SnapshotCheck check;
            try (SnapshotVerifyingInputStream in = SnapshotVerifyingInputStream.of(content, layout, snapshotName)) {
                entry = w.add(path, RkeArtifacts.ETCD_SNAPSHOT, ArtifactSource.node(host, "etcd snapshot from "
                        + raw.endpoint()), in, length, Map.of("layout", layout.name().toLowerCase(Locale.ROOT),
                        EtcdLabels.MEMBER, host));
                byte[] rest = new byte[8192];
                while (in.read(rest) >= 0) {
                    // reaching the end runs the final check (and catches bytes beyond the announced length)
                }
                check = in.result().orElseThrow(() -> new IOException("snapshot check did not finish"));
            }
            if (!check.ok()) {
                w.discard(path);
                return "the snapshot failed the integrity check: " + check.verdict() + " (" + check.detail() + ")";
            }
            if (layout == SnapshotLayout.RKE_ZIP) {
                w.annotate(path, "stateEntry", String.valueOf(check.stateEntryPresent()));
            }
            return null;
        } catch (IOException | RuntimeException e) {
            if (entry != null) {
                w.discard(path);
            }
            Optional<IOException> stream = streamFault(e);
            if (stream.isPresent()) {
                return stream.get().getMessage();
            }
            if (e instanceof RuntimeException re) {
                throw re; // the store failed: not the member's fault
            }
            return "reading the snapshot from " + host + " failed: " + e.getMessage();
        }
    }

    private static Optional<IOException> streamFault(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException io && io.getMessage() != null && (io.getMessage().contains("snapshot stream")
                    || io.getMessage().contains("ended the snapshot") || io.getMessage().contains("the snapshot "))) {
                return Optional.of(io);
            }
            if (c instanceof dev.rkebackup.core.IntegrityException ie) {
                return Optional.of(new IOException(ie.getMessage()));
            }
        }
        return Optional.empty();
    }

    private List<MemberStatus> candidates(MemberAgreement agreement) {
        List<MemberStatus> ok = agreement.members().stream().filter(MemberStatus::reachable)
                .filter(s -> MemberStatus.hex(s.clusterId()).equals(agreement.clusterId())).toList();
        if (member != null) {
            MemberStatus pinned = ok.stream().filter(s -> s.host().equals(member)).findFirst().orElseThrow(
                    () -> new EtcdSnapshotException("etcd member " + member + " is not an answering member of the"
                            + " cluster (members: " + agreement.members().stream().map(MemberStatus::host).toList()
                            + "); pick another with --etcd-member or leave it out"));
            return List.of(pinned);
        }
        List<MemberStatus> sorted = new ArrayList<>(ok);
        sorted.sort(Comparator.comparingLong(MemberStatus::raftIndex).reversed()
                .thenComparing(MemberStatus::isLeader));
        return sorted;
    }

    private EtcdCredentials credentials() {
        if (credentials != null) {
            credentials.requireValidAt(clock.instant());
            return credentials;
        }
        if (!version.has(RkeFeature.STATE_FILE)) {
            throw new InvalidInputException("RKE " + version + " keeps no .rkestate (added in v0.2.0), so the etcd"
                    + " certificates are not on this machine; back up with rke instead (leave out --from-etcd)");
        }
        Path stateFile = config.stateFilePath().orElseThrow(() -> new InvalidInputException(
                "the cluster config was not loaded from a file, so its .rkestate cannot be found"));
        EtcdCredentials c = EtcdCredentials.fromStateFile(stateFile);
        c.requireValidAt(clock.instant());
        return c;
    }

    private static byte[] readState(Path stateFile) {
        try {
            if (Files.size(stateFile) > MAX_STATE_BYTES) {
                throw new InvalidInputException("state file " + stateFile + " is larger than 64 MiB");
            }
            return Files.readAllBytes(stateFile);
        } catch (IOException e) {
            throw new InvalidInputException("state file " + stateFile + " cannot be read (" + e.getMessage()
                    + "); --from-etcd needs the .rkestate next to the cluster config");
        }
    }

    private static byte[] readSmall(Path file) {
        try {
            if (Files.size(file) > MAX_STATE_BYTES) {
                throw new InvalidInputException(file + " is larger than 64 MiB; is it a cluster config?");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidInputException(file + " cannot be read: " + e.getMessage());
        }
    }

    /** Builds an {@link EtcdBackup}. Not thread-safe. */
    public static final class Builder {
        private final ClusterConfig config;
        private final RkeVersion version;
        private final BackupRepository repository;
        private EtcdTargets targets = EtcdTargets.direct();
        private EtcdCredentials credentials;
        private String member;
        private boolean allowOlderRevision;
        private RetentionPolicy retention;
        private Duration timeout = Duration.ofSeconds(15);
        private Clock clock = Clock.systemUTC();
        private boolean readBack;

        private Builder(ClusterConfig config, RkeVersion version, BackupRepository repository) {
            this.config = Objects.requireNonNull(config, "config");
            this.version = Objects.requireNonNull(version, "version");
            this.repository = Objects.requireNonNull(repository, "repository");
        }

        /**
         * How to reach the members.
         *
         * @param value {@link EtcdTargets#direct()} by default
         * @return this builder
         */
        public Builder targets(EtcdTargets value) {
            this.targets = Objects.requireNonNull(value, "targets");
            return this;
        }

        /**
         * Uses these credentials instead of {@code kube-ca}/{@code kube-node} from the {@code .rkestate}.
         *
         * @param value the credentials
         * @return this builder
         */
        public Builder credentials(EtcdCredentials value) {
            this.credentials = Objects.requireNonNull(value, "credentials");
            return this;
        }

        /**
         * Takes the snapshot from this member only (its node address in the cluster config).
         *
         * @param host the node address
         * @return this builder
         */
        public Builder member(String host) {
            this.member = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * Stores a snapshot whose revision is lower than the newest stored set of the same cluster (noted in the
         * manifest).
         *
         * @param value whether to allow it (off by default)
         * @return this builder
         */
        public Builder allowOlderRevision(boolean value) {
            this.allowOlderRevision = value;
            return this;
        }

        /**
         * Applies retention after a verified run.
         *
         * @param policy the rules
         * @return this builder
         */
        public Builder retention(RetentionPolicy policy) {
            this.retention = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The deadline of each etcd call other than the snapshot stream (15 s by default).
         *
         * @param value the timeout
         * @return this builder
         */
        public Builder timeout(Duration value) {
            this.timeout = Objects.requireNonNull(value, "timeout");
            return this;
        }

        /**
         * Checks the new set by downloading and hashing every artifact instead of confirming each from the store's
         * own record (off by default; what a store cannot confirm is read back either way).
         *
         * @param value whether to read back
         * @return this builder
         */
        public Builder readBack(boolean value) {
            this.readBack = value;
            return this;
        }

        /**
         * The clock for certificate expiry checks.
         *
         * @param value the clock
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Builds the job.
         *
         * @return the job
         */
        public EtcdBackup build() {
            return new EtcdBackup(this);
        }
    }
}
