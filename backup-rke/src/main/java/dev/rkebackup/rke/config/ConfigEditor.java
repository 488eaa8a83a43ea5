package dev.rkebackup.rke.config;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.internal.AtomicFiles;
import dev.rkebackup.rke.config.internal.GoDuration;
import dev.rkebackup.rke.config.internal.Lines;
import dev.rkebackup.rke.config.internal.RenderedScalar;
import dev.rkebackup.rke.config.internal.SecretLines;
import dev.rkebackup.rke.config.internal.SourceText;
import dev.rkebackup.rke.config.internal.UnifiedDiff;
import dev.rkebackup.rke.config.internal.YamlText;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safe, byte-preserving edits of a cluster config: each edit changes only the lines it must, and comments, key order,
 * quoting, line endings and every other byte stay as they were. Edits work on the text, guided by parser marks; the
 * file is never re-serialised.
 *
 * <p>An editor is immutable: each edit returns a new editor holding the edited text, so edits chain. Nothing touches
 * the disk until {@link #apply()} (in place, keeping a {@code .bak} copy) or {@link #writeTo(Path)} (a private copy).
 * Every edit re-parses its result and checks that it says what was asked, so a wrong edit is never written.
 * Thread-safe.
 *
 * <pre>{@code
 * ConfigEditor edit = ConfigEditor.of(ClusterConfig.load(path)).withS3(s3);
 * System.out.print(edit.diff());       // review
 * Path backup = edit.apply();          // rancher-cluster.yml.bak + atomic replace
 * }</pre>
 */
public final class ConfigEditor {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigEditor.class);
    private static final List<String> ETCD = List.of("services", "etcd");
    private static final List<String> BACKUP = List.of("services", "etcd", "backup_config");
    private static final List<String> S3 = List.of("services", "etcd", "backup_config", "s3backupconfig");
    private static final Set<String> SECRET_KEYS = Set.of("access_key", "secret_key", "ssh_key");

    private final ClusterConfig original;
    private final ClusterConfig current;

    private ConfigEditor(ClusterConfig original, ClusterConfig current) {
        this.original = original;
        this.current = current;
    }

    /**
     * Starts editing a config.
     *
     * @param config the config as loaded or parsed
     * @return an editor with no changes yet
     */
    public static ConfigEditor of(ClusterConfig config) {
        Objects.requireNonNull(config, "config");
        return new ConfigEditor(config, config);
    }

    private ConfigEditor next(SourceText text) {
        return new ConfigEditor(original, ClusterConfig.parse(text, original.sourcePath().orElse(null)));
    }

    /**
     * Sets {@code services.etcd.backup_config.s3backupconfig} to exactly {@code s3}: existing fields are changed in
     * place (their line comments stay), fields absent from {@code s3} are removed, missing fields are added, and
     * missing parent sections are created. Unknown keys inside the section are left alone, except when the section is
     * written in flow style ({@code s3backupconfig: {...}}): that one entry is rewritten in block style.
     *
     * <p>Adding {@code backup_config} to a {@link ConfigGeneration#LEGACY} config makes RKE use
     * {@code interval_hours}/{@code retention} (defaults 12 h / 6) instead of {@code creation}/{@code retention} on the
     * next {@code rke up}; call {@link #migrateToBackupConfig(RkeVersion)} first to keep the schedule.
     *
     * @param s3 the S3 settings; at least one field set
     * @return an editor holding the edited text
     * @throws IllegalArgumentException if {@code s3} has no field
     * @throws InvalidInputException if the sections to edit are in flow style, aliases, or not mappings
     */
    public ConfigEditor withS3(S3BackupConfig s3) {
        Objects.requireNonNull(s3, "s3");
        Lines all = s3Lines(s3);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("S3 settings without any field; set at least bucket name and endpoint");
        }
        YamlText y = YamlText.of(current.source());
        boolean existed = y.find(S3).filter(n -> !(n instanceof org.yaml.snakeyaml.nodes.ScalarNode)).isPresent();
        SourceText text;
        if (y.isFlowMapping(S3)) {
            // a one-line {...} section cannot be edited key by key; it is rewritten in block style
            text = y.replaceWithBlock(BACKUP, "s3backupconfig", all);
            existed = false;
        } else {
            text = y.ensureMapping(S3, all);
        }
        if (existed) {
            text = setOrRemove(text, "access_key", s3.accessKey().map(k -> k.reveal()));
            text = setOrRemove(text, "secret_key", s3.secretKey().map(k -> k.reveal()));
            text = setOrRemove(text, "bucket_name", s3.bucketName());
            text = setOrRemove(text, "region", s3.region());
            text = setOrRemove(text, "endpoint", s3.endpoint());
            text = setOrRemove(text, "custom_ca", s3.customCa());
            text = setOrRemove(text, "folder", s3.folder());
        }
        ConfigEditor result = next(text);
        Optional<S3BackupConfig> got = result.current.etcd().backupConfig().flatMap(BackupConfig::s3);
        if (!got.equals(Optional.of(s3))) {
            throw internalError("S3");
        }
        return result;
    }

    private static SourceText setOrRemove(SourceText text, String key, Optional<String> value) {
        YamlText y = YamlText.of(text);
        return value.isPresent() ? y.setScalar(S3, key, RenderedScalar.of(value.get())) : y.remove(S3, key);
    }

    private static Lines s3Lines(S3BackupConfig s3) {
        Lines l = Lines.empty();
        l = add(l, "access_key", s3.accessKey().map(k -> k.reveal()));
        l = add(l, "secret_key", s3.secretKey().map(k -> k.reveal()));
        l = add(l, "bucket_name", s3.bucketName());
        l = add(l, "region", s3.region());
        l = add(l, "endpoint", s3.endpoint());
        l = add(l, "custom_ca", s3.customCa());
        return add(l, "folder", s3.folder());
    }

    private static Lines add(Lines l, String key, Optional<String> value) {
        return value.map(v -> l.with(key, RenderedScalar.of(v))).orElse(l);
    }

    /**
     * Makes RKE run recurring snapshots, in the form {@code version} understands: {@code services.etcd.snapshot} is
     * set to true when it is false (or unset on v0.1.7–v0.1.11, where it defaults to false); on v0.2.0+ a config
     * without backup settings gets an explicit {@code backup_config} with the defaults ({@code interval_hours: 12},
     * {@code retention: 6}) and {@code enabled: false} without both values (which breaks snapshots) becomes true.
     * The legacy schedule
     * ({@code creation}/{@code retention}) is left as it is; RKE's defaults apply where it is unset.
     *
     * @param version the RKE version that will run {@code rke up}
     * @return an editor holding the edited text (the same text when nothing was needed)
     * @throws InvalidInputException if {@code version} cannot take snapshots (before v0.1.7) or a section cannot be
     *         edited safely
     */
    public ConfigEditor enableRecurringSnapshots(RkeVersion version) {
        Objects.requireNonNull(version, "version");
        if (!version.has(RkeFeature.SNAPSHOTS)) {
            throw new InvalidInputException("RKE " + version + " cannot take etcd snapshots (added in "
                    + RkeFeature.SNAPSHOTS.since() + "). "
                    + "Upgrade RKE before enabling recurring snapshots.");
        }
        SourceText text = current.source();
        EtcdConfig etcd = current.etcd();
        boolean snapshotOff = etcd.snapshot().map(s -> !s).orElse(!version.has(RkeFeature.RECURRING_ON_BY_DEFAULT));
        if (snapshotOff) {
            text = ensureEtcd(text, Lines.empty().with("snapshot", RenderedScalar.literal(true)));
            text = YamlText.of(text).setScalar(ETCD, "snapshot", RenderedScalar.literal(true));
        }
        ConfigGeneration generation = current.configGeneration();
        if (version.has(RkeFeature.BACKUP_CONFIG)) {
            Optional<BackupConfig> bc = etcd.backupConfig();
            boolean trap = bc.isPresent() && bc.get().enabled().equals(Optional.of(false))
                    && (bc.get().intervalHours().isEmpty() || bc.get().retention().isEmpty());
            if (trap) {
                text = YamlText.of(text).setScalar(BACKUP, "enabled", RenderedScalar.literal(true));
            } else if (generation != ConfigGeneration.LEGACY && bc.isEmpty()) {
                text = YamlText.of(text).ensureMapping(BACKUP, Lines.empty()
                        .with("interval_hours", RenderedScalar.literal(12))
                        .with("retention", RenderedScalar.literal(6)));
            }
        }
        ConfigEditor result = next(text);
        EffectiveBackup after = ConfigInspector.effective(result.current, version);
        if (!after.recurring() || after.interval().isZero() && !isZero(ConfigInspector.effective(current, version))) {
            throw internalError("recurring snapshot");
        }
        return result;
    }

    private static boolean isZero(EffectiveBackup b) {
        return b.interval().isZero();
    }

    private IllegalStateException internalError(String what) {
        return new IllegalStateException("internal error: the " + what + " edit of " + original.sourceName()
                + " did not produce the requested settings; nothing was written. Please report this.");
    }

    /**
     * Sets how often recurring snapshots run and how many are kept, in the form {@code version} reads: on v0.2.0+
     * with {@code backup_config} (or no scheme yet) as {@code interval_hours} and {@code retention} (a count); in
     * the legacy form as {@code creation: <n>h} and {@code retention: <count × n>h}, the same time window. Call
     * {@link #enableRecurringSnapshots(RkeVersion)} as well to switch them on.
     *
     * @param intervalHours hours between snapshots, or 0 to leave the interval as it is
     * @param retention how many snapshots to keep, or 0 to leave it as it is
     * @param version the RKE version that will run {@code rke up}
     * @return an editor holding the edited text
     * @throws InvalidInputException if a value is negative, or a legacy retention is set without a known interval
     */
    public ConfigEditor withSchedule(int intervalHours, int retention, RkeVersion version) {
        Objects.requireNonNull(version, "version");
        if (intervalHours < 0 || retention < 0) {
            throw new InvalidInputException("interval hours and retention must be positive numbers");
        }
        if (intervalHours == 0 && retention == 0) {
            return this;
        }
        SourceText text = current.source();
        EtcdConfig etcd = current.etcd();
        if (version.has(RkeFeature.BACKUP_CONFIG) && current.configGeneration() != ConfigGeneration.LEGACY) {
            Lines values = Lines.empty();
            if (intervalHours > 0) {
                values = values.with("interval_hours", RenderedScalar.literal(intervalHours));
            }
            if (retention > 0) {
                values = values.with("retention", RenderedScalar.literal(retention));
            }
            text = YamlText.of(text).ensureMapping(BACKUP, values);
            if (intervalHours > 0) {
                text = YamlText.of(text).setScalar(BACKUP, "interval_hours", RenderedScalar.literal(intervalHours));
            }
            if (retention > 0) {
                text = YamlText.of(text).setScalar(BACKUP, "retention", RenderedScalar.literal(retention));
            }
            return next(text);
        }
        Duration interval = intervalHours > 0 ? Duration.ofHours(intervalHours)
                : legacyDuration(etcd.creation(), "creation", Duration.ofHours(12));
        if (intervalHours > 0) {
            text = ensureEtcd(text, Lines.empty().with("creation", RenderedScalar.of(intervalHours + "h")));
            text = YamlText.of(text).setScalar(ETCD, "creation", RenderedScalar.of(intervalHours + "h"));
        }
        if (retention > 0) {
            String window = (interval.toHours() * retention) + "h";
            text = ensureEtcd(text, Lines.empty().with("retention", RenderedScalar.of(window)));
            text = YamlText.of(text).setScalar(ETCD, "retention", RenderedScalar.of(window));
        }
        return next(text);
    }

    private static boolean holdsS3Keys(ClusterConfig c) {
        return c.etcd().backupConfig().flatMap(BackupConfig::s3)
                .map(s -> s.accessKey().isPresent() || s.secretKey().isPresent()).orElse(false);
    }

    private static SourceText ensureEtcd(SourceText text, Lines firstContent) {
        return YamlText.of(text).ensureMapping(ETCD, firstContent);
    }

    /**
     * Rewrites a {@link ConfigGeneration#LEGACY} config to {@code backup_config}: {@code creation} becomes
     * {@code interval_hours} (whole hours) and the {@code retention} age becomes a count
     * ({@code ceil(retention / interval)}, at least 1), so the schedule and the kept window stay the same;
     * {@code creation} and {@code retention} are removed, {@code snapshot} stays. Missing legacy values mean the
     * v0.1.12+ defaults ({@code 12h}, {@code 72h}). Other generations are returned unchanged.
     *
     * @param version the RKE version that will use the file; must be v0.2.0+
     * @return an editor holding the edited text
     * @throws InvalidInputException if {@code version} predates {@code backup_config}, or {@code creation} is not a
     *         whole number of hours, or a legacy value is not a valid Go duration
     */
    public ConfigEditor migrateToBackupConfig(RkeVersion version) {
        Objects.requireNonNull(version, "version");
        if (!version.has(RkeFeature.BACKUP_CONFIG)) {
            throw new InvalidInputException("RKE " + version + " does not read backup_config (added in "
                    + RkeFeature.BACKUP_CONFIG.since() + "); "
                    + "keep the legacy snapshot/creation/retention fields or upgrade RKE first.");
        }
        if (current.configGeneration() != ConfigGeneration.LEGACY) {
            return this;
        }
        EtcdConfig etcd = current.etcd();
        Duration interval = legacyDuration(etcd.creation(), "creation", Duration.ofHours(12));
        Duration window = legacyDuration(etcd.retention(), "retention", Duration.ofHours(72));
        if (interval.isZero() || interval.isNegative() || interval.toSeconds() % 3600 != 0) {
            throw new InvalidInputException(original.sourceName() + lineSuffix("services.etcd.creation")
                    + ": creation " + etcd.creation().orElse("") + " is not a whole number of hours, and "
                    + "backup_config.interval_hours only takes hours. Set creation to e.g. 1h or 6h first, or write "
                    + "backup_config by hand.");
        }
        long hours = interval.toHours();
        long count = Math.max(1, (window.toSeconds() + interval.toSeconds() - 1) / interval.toSeconds());
        SourceText text = current.source();
        text = YamlText.of(text).remove(ETCD, "creation");
        text = YamlText.of(text).remove(ETCD, "retention");
        Lines content = Lines.empty().with("interval_hours", RenderedScalar.literal(hours))
                .with("retention", RenderedScalar.literal(count));
        text = YamlText.of(text).ensureMapping(BACKUP, content);
        ConfigEditor result = next(text);
        Optional<BackupConfig> migrated = result.current.etcd().backupConfig();
        if (result.current.configGeneration() != ConfigGeneration.BACKUP_CONFIG
                || migrated.get().intervalHours().orElse(-1) != hours
                || migrated.get().retention().orElse(-1) != count
                || result.current.etcd().creation().isPresent() || result.current.etcd().retention().isPresent()) {
            throw internalError("migration");
        }
        LOG.debug("Migrated {} to backup_config: every {} h, keep {}", original.sourceName(), hours, count);
        return result;
    }

    private Duration legacyDuration(Optional<String> value, String key, Duration dflt) {
        if (value.isEmpty()) {
            return dflt;
        }
        return GoDuration.parse(value.get()).orElseThrow(() -> new InvalidInputException(original.sourceName()
                + lineSuffix("services.etcd." + key) + ": " + key + " \"" + value.get() + "\" is not a Go duration "
                + "(rke-tools rejects it and the recurring container crash-loops). Write it with a unit, e.g. 24h."));
    }

    private String lineSuffix(String keyPath) {
        return original.lineOf(keyPath).stream().mapToObj(l -> ": line " + l).findFirst().orElse("");
    }

    /** @return the config the editor started from */
    public ClusterConfig original() {
        return original;
    }

    /** @return the edited config, parsed from {@link #text()} */
    public ClusterConfig edited() {
        return current;
    }

    /** @return true when the text differs from the original */
    public boolean isChanged() {
        return !original.text().equals(current.text());
    }

    /**
     * The edited text. It contains the secrets of the file (and of {@link #withS3(S3BackupConfig)}); never log it.
     *
     * @return the YAML text
     */
    public String text() {
        return current.text();
    }

    /** @return the edited file content as UTF-8 (with the original's byte order mark, if it had one) */
    public byte[] bytes() {
        return current.source().bytes();
    }

    /**
     * A unified diff from the original to the edited text, for review before writing. The values of
     * {@code access_key}, {@code secret_key} and {@code ssh_key} (also multi-line inline keys shown as context) are
     * replaced with a redaction marker; a changed secret still shows as a changed line.
     *
     * @return the diff; empty when nothing changed
     */
    public String diff() {
        // a/ and b/ prefixes as git writes them: an absolute path loses its leading slash (never "a//...")
        String name = original.sourcePath().map(Path::toString).orElse(original.sourceName()).replaceFirst("^/+", "");
        return UnifiedDiff.diff("a/" + name, "b/" + name, original.text(), current.text(),
                SecretLines.find(original.source(), SECRET_KEYS),
                SecretLines.find(current.source(), SECRET_KEYS));
    }

    /**
     * Writes the edited config to {@code target} atomically with owner-only permissions (0600), e.g. as a private
     * temporary copy for one {@code rke} run. An existing file is replaced.
     *
     * @param target the file to write
     * @throws StorageException if writing fails; the message says what to check
     */
    public void writeTo(Path target) {
        Objects.requireNonNull(target, "target");
        try {
            AtomicFiles.write(target, bytes(), AtomicFiles.PRIVATE);
        } catch (IOException e) {
            throw StorageException.permanent("Cannot write the edited cluster config to " + target + ": "
                    + e.getClass().getSimpleName() + ". Check that the directory exists and is writable.", e);
        }
    }

    /**
     * Writes the edit over the original file: first a copy of the original to {@code <file>.bak} (or {@code .bak.N}
     * when that exists; never overwritten) with the original's permissions, then the new content atomically with the
     * original's permissions (and owner/group where the process may set them). When the path is a symbolic link, the
     * file it points to is edited and the link stays. Refuses when the file changed since it was loaded.
     *
     * @return the path of the backup copy
     * @throws IllegalStateException if the config was not loaded from a file, or nothing changed
     * @throws InvalidInputException if the file on disk no longer has the content that was loaded
     * @throws StorageException if copying or writing fails (the original is then unchanged)
     */
    public Path apply() {
        Path path = original.sourcePath().orElseThrow(() -> new IllegalStateException(
                "the config was parsed from text, not loaded from a file; use writeTo(Path)"));
        if (!isChanged()) {
            throw new IllegalStateException("nothing to write: the edit left " + path + " unchanged");
        }
        try {
            byte[] onDisk = SourceText.read(path).bytes();
            if (!Arrays.equals(onDisk, original.source().bytes())) {
                throw new InvalidInputException(path + " changed on disk since it was loaded; nothing was written. "
                        + "Load it again and repeat the edit.");
            }
            // edit the file a symbolic link points to, keeping the link
            Path real = path.toRealPath();
            Path backup = AtomicFiles.backupCopy(real);
            boolean narrowed = AtomicFiles.replace(real, bytes(), holdsS3Keys(current) && !holdsS3Keys(original));
            if (narrowed) {
                LOG.warn("{} now holds S3 keys: it was made readable by its owner only (the original permissions"
                        + " are kept on {})", path, backup);
            }
            LOG.info("Edited {} (original kept as {})", path, backup);
            return backup;
        } catch (IOException e) {
            throw StorageException.permanent("Cannot write the edited cluster config " + path + ": "
                    + e.getClass().getSimpleName() + ". The original is unchanged; check permissions and free space.",
                    e);
        }
    }

    @Override
    public String toString() {
        return "ConfigEditor[" + original.sourceName() + (isChanged() ? ", changed" : ", unchanged") + "]";
    }
}
