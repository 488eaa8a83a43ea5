package dev.rkebackup.rke.config;

import dev.rkebackup.rke.RestoreGuide;
import dev.rkebackup.rke.RkeFeature;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.internal.GoDuration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The inspection rules behind each {@link WarningCode}. Stateless. */
final class WarningRules {
    private static final String ETCD = "services.etcd";
    private static final String BC = ETCD + ".backup_config";
    private static final String S3 = BC + ".s3backupconfig";
    private static final Pattern DAYS = Pattern.compile("(?i)\\bdays?\\b|\\bdaily\\b|天|日");
    private static final Set<Integer> DAY_LIKE = Set.of(7, 14, 28, 30, 31, 60, 90, 180, 365);

    private WarningRules() {
    }

    static void collect(ClusterConfig c, RkeVersion v, boolean given, EffectiveBackup eff, List<ConfigWarning> out) {
        Rules r = new Rules(c, v, given ? "RKE " + v : "RKE (version not given, assumed newest)", out);
        r.version(given);
        r.nodes();
        r.recurring(eff);
        r.backupConfig(eff);
        r.legacy(eff);
        r.s3();
        r.keys();
        r.restore(eff);
    }

    /** One inspection run. */
    private static final class Rules {
        private final ClusterConfig c;
        private final RkeVersion v;
        private final String vs;
        private final List<ConfigWarning> out;

        Rules(ClusterConfig c, RkeVersion v, String vs, List<ConfigWarning> out) {
            this.c = c;
            this.v = v;
            this.vs = vs;
            this.out = out;
        }

        private void add(WarningCode code, Severity severity, String keyPath, String message) {
            out.add(new ConfigWarning(code, severity, message, keyPath == null ? 0 : c.lineOf(keyPath).orElse(0)));
        }

        void version(boolean given) {
            if (!given) {
                add(WarningCode.RKE_VERSION_UNKNOWN, Severity.WARNING, null, "No RKE version given: the behaviour "
                        + "below assumes the newest known RKE (" + RkeVersion.NEWEST_VERIFIED.major() + "."
                        + RkeVersion.NEWEST_VERIFIED.minor() + ".x). Pass the output of `rke --version` for a "
                        + "version-exact report.");
            } else if (v.isDev()) {
                add(WarningCode.RKE_VERSION_UNKNOWN, Severity.WARNING, null, "RKE dev is an unreleased build: "
                        + "the behaviour below assumes the newest known RKE. Use a released RKE for production "
                        + "backups, or verify snapshot and restore on a test cluster.");
            } else if (!v.isKnown()) {
                add(WarningCode.RKE_VERSION_UNKNOWN, Severity.WARNING, null, vs + " is newer than the "
                        + "v" + RkeVersion.NEWEST_VERIFIED.major() + "." + RkeVersion.NEWEST_VERIFIED.minor()
                        + ".x releases this library was verified against; "
                        + "the behaviour below assumes it behaves like them. Verify a snapshot and restore once.");
            }
            if (!v.has(RkeFeature.SNAPSHOTS)) {
                add(WarningCode.SNAPSHOTS_NOT_SUPPORTED_BY_VERSION, Severity.ERROR, null, vs + " cannot "
                        + "take etcd snapshots (added in " + RkeFeature.SNAPSHOTS.since()
                        + "). Upgrade RKE before relying on backups.");
            }
        }

        void nodes() {
            int n = c.etcdNodes().size();
            if (n == 0) {
                add(WarningCode.NO_ETCD_NODES, Severity.ERROR, "nodes", "No node has the etcd role; RKE refuses "
                        + "this config (\"Cluster must have at least one etcd plane host\") and there is nothing to "
                        + "snapshot. Add `etcd` to `role:` of the nodes that run etcd.");
                return;
            }
            EtcdQuorum q = EtcdQuorum.of(n);
            if (n == 1) {
                add(WarningCode.SINGLE_ETCD_MEMBER, Severity.INFO, "nodes", "One etcd member: it tolerates no "
                        + "failure, so the snapshots are the only copy of the cluster state. Keep them off the node.");
            } else if (q.isEven()) {
                EtcdQuorum lower = EtcdQuorum.of(n - 1);
                add(WarningCode.EVEN_ETCD_MEMBERS, Severity.WARNING, "nodes", n + " etcd members need "
                        + q.majority() + " for quorum and tolerate " + plural(q.faultTolerance(), "failure")
                        + ", no more than " + (n - 1) + " members would (" + plural(lower.faultTolerance(), "failure")
                        + "), with one more node that can break quorum. Use an odd number: add or remove one etcd "
                        + "node.");
            }
        }

        void recurring(EffectiveBackup eff) {
            if (eff.recurring() || !v.has(RkeFeature.SNAPSHOTS)) {
                return;
            }
            Optional<Boolean> snapshot = c.etcd().snapshot();
            if (snapshot.isPresent()) {
                add(WarningCode.RECURRING_DISABLED, Severity.WARNING, ETCD + ".snapshot", "services.etcd.snapshot "
                        + "is false: `rke up` removes the recurring snapshot container, also when backup_config is "
                        + "present (backup_config.enabled does not switch it in the RKE CLI). Set `snapshot: true` "
                        + "for recurring snapshots; one-time `rke etcd snapshot-save` still works.");
            } else {
                add(WarningCode.RECURRING_DISABLED, Severity.WARNING, null, vs + " runs no recurring "
                        + "snapshots unless services.etcd.snapshot is true (default false before "
                        + RkeFeature.RECURRING_ON_BY_DEFAULT.since() + "). Add "
                        + "`snapshot: true` under services.etcd.");
            }
        }

        void backupConfig(EffectiveBackup eff) {
            Optional<BackupConfig> bco = c.etcd().backupConfig();
            if (bco.isEmpty()) {
                if (v.has(RkeFeature.PANIC_WITHOUT_BACKUP_CONFIG)) {
                    add(WarningCode.SAVE_PANICS_WITHOUT_BACKUP_CONFIG, Severity.WARNING, null, vs + " "
                            + "panics (exit code 2) right after a successful `snapshot-save` when backup_config is "
                            + "absent (rke#3028). The snapshot is still written. Add a backup_config section or "
                            + "upgrade RKE to " + RkeFeature.PANIC_WITHOUT_BACKUP_CONFIG.fixedIn() + " or later.");
                }
                return;
            }
            BackupConfig bc = bco.get();
            if (!v.has(RkeFeature.BACKUP_CONFIG)) {
                add(WarningCode.S3_NOT_SUPPORTED_BY_VERSION, Severity.WARNING, BC, vs + " ignores "
                        + "backup_config and S3 (added in " + RkeFeature.BACKUP_CONFIG.since()
                        + "); it uses snapshot/creation/retention. Upgrade RKE "
                        + "or use the legacy fields.");
                return;
            }
            if (bc.enabled().equals(Optional.of(false))
                    && (bc.intervalHours().isEmpty() || bc.retention().isEmpty())) {
                add(WarningCode.ENABLED_FALSE_WITHOUT_VALUES, Severity.WARNING, BC + ".enabled", "backup_config"
                        + ".enabled is false and interval_hours/retention are not both set: RKE then fills in no "
                        + "defaults and passes --creation=0h/--retention=0h, which rke-tools refuses (\"Creation "
                        + "period and/or retention are not set\"), also for snapshot-save. `enabled` does not switch "
                        + "recurring snapshots in the CLI (services.etcd.snapshot does): remove `enabled: false` or "
                        + "set interval_hours and retention explicitly.");
            }
            for (String path : c.truncatedNumbers()) {
                add(WarningCode.INVALID_BACKUP_VALUE, Severity.WARNING, path, "`" + path + "` has a fraction; RKE "
                        + "drops it (e.g. 0.5 becomes 0, which rke-tools refuses). Use a whole number.");
            }
            if (bc.intervalHours().isPresent() && bc.intervalHours().getAsInt() <= 0
                    || bc.retention().isPresent() && bc.retention().getAsInt() <= 0) {
                add(WarningCode.INVALID_BACKUP_VALUE, Severity.WARNING, BC, "interval_hours and retention must be "
                        + "at least 1; RKE passes 0 or negative values to rke-tools, which refuses them. Use e.g. "
                        + "interval_hours: 12, retention: 6.");
            }
            if (!eff.retentionWindow().isZero()) {
                retentionCount(bc, eff);
            }
            if (bc.timeout().isPresent() && !v.has(RkeFeature.BACKUP_TIMEOUT)) {
                add(WarningCode.TIMEOUT_NOT_SUPPORTED_BY_VERSION, Severity.INFO, BC + ".timeout", "RKE " + v
                        + " ignores backup_config.timeout (added in " + RkeFeature.BACKUP_TIMEOUT.since()
                        + "); each host gets about 300 s. "
                        + "Upgrade RKE if snapshots of a large etcd time out.");
            }
            if (c.etcd().creation().isPresent() || c.etcd().retention().isPresent()) {
                add(WarningCode.LEGACY_FIELDS_IGNORED, Severity.INFO, ETCD + (c.etcd().creation().isPresent()
                        ? ".creation" : ".retention"), "services.etcd.creation/retention are ignored because "
                        + "backup_config is present; remove them to avoid confusion.");
            }
        }

        private void retentionCount(BackupConfig bc, EffectiveBackup eff) {
            String path = BC + ".retention";
            int count = bc.retention().orElse(6);
            String window = hours(eff.retentionWindow());
            String base = "backup_config.retention is a number of snapshots, not days: RKE keeps recurring snapshots "
                    + "for retention × interval_hours = " + count + " × " + eff.interval().toHours() + " h = "
                    + window + " (about " + count + " per node).";
            boolean daysHinted = bc.retention().isPresent() && (DAY_LIKE.contains(count) || commentSaysDays(path));
            if (daysHinted) {
                add(WarningCode.RETENTION_IS_A_COUNT, Severity.WARNING, path, base + " If you meant days, set "
                        + "retention to days × 24 / interval_hours.");
            } else {
                add(WarningCode.RETENTION_IS_A_COUNT, Severity.INFO, bc.retention().isPresent() ? path : BC, base);
            }
        }

        private boolean commentSaysDays(String keyPath) {
            int line = c.lineOf(keyPath).orElse(0);
            if (line == 0) {
                return false;
            }
            String text = c.source().line(line - 1);
            int hash = text.indexOf(" #");
            String comment = hash >= 0 ? text.substring(hash) : "";
            if (line >= 2) {
                String prev = c.source().line(line - 2).strip();
                if (prev.startsWith("#")) {
                    comment += prev;
                }
            }
            return DAYS.matcher(comment).find();
        }

        void legacy(EffectiveBackup eff) {
            if (eff.schemeUsed() != ConfigGeneration.LEGACY) {
                return;
            }
            checkDuration("creation", c.etcd().creation());
            checkDuration("retention", c.etcd().retention());
        }

        private void checkDuration(String key, Optional<String> value) {
            if (value.isPresent() && GoDuration.parse(value.get()).isEmpty()) {
                add(WarningCode.LEGACY_DURATION_WITHOUT_UNIT, Severity.WARNING, ETCD + "." + key,
                        "services.etcd." + key + " \"" + value.get() + "\" is not a Go duration (units ns, us, ms, "
                        + "s, m, h; no d): the recurring snapshot container crash-loops and `rke up` only warns. "
                        + "Write it with a unit, e.g. " + (key.equals("creation") ? "6h0s" : "72h") + ".");
            }
        }

        void s3() {
            Optional<S3BackupConfig> s3o = c.etcd().backupConfig().flatMap(BackupConfig::s3);
            if (s3o.isEmpty() || !v.has(RkeFeature.BACKUP_CONFIG)) {
                return;
            }
            S3BackupConfig s3 = s3o.get();
            if (s3.bucketName().filter(b -> !b.isBlank()).isEmpty()
                    || s3.endpoint().filter(e -> !e.isBlank()).isEmpty()) {
                add(WarningCode.S3_MISSING_BUCKET_OR_ENDPOINT, Severity.ERROR, S3, "s3backupconfig needs both "
                        + "bucket_name and endpoint; RKE fails every snapshot otherwise (\"etcd s3 backup backend "
                        + "... can't be empty\"). Add the missing one (endpoint e.g. s3.amazonaws.com).");
            }
            s3.endpoint().filter(e -> e.contains("://")).ifPresent(e -> add(WarningCode.ENDPOINT_HAS_SCHEME,
                    Severity.WARNING, S3 + ".endpoint", "s3backupconfig.endpoint must be host[:port] without a "
                    + "scheme; RKE always uses TLS" + (e.startsWith("http://") ? " (plain HTTP is not possible, "
                    + "rke#1359)" : "") + ". Write `endpoint: " + e.substring(e.indexOf("://") + 3) + "`."));
            if (s3.accessKey().isPresent() != s3.secretKey().isPresent()) {
                add(WarningCode.S3_KEYS_INCOMPLETE, Severity.WARNING, S3, "Only one of access_key/secret_key is "
                        + "set; set both, or neither to use the nodes' IAM instance profile.");
            }
            if (s3.folder().isPresent() && !v.has(RkeFeature.FOLDER)) {
                add(WarningCode.FOLDER_NOT_SUPPORTED_BY_VERSION, Severity.WARNING, S3 + ".folder", "RKE " + v
                        + " ignores s3backupconfig.folder (added in " + RkeFeature.FOLDER.since()
                        + "): snapshots go to the bucket root. "
                        + "Upgrade RKE or drop the folder.");
            }
            if (s3.customCa().isPresent()) {
                if (!v.has(RkeFeature.CUSTOM_CA)) {
                    add(WarningCode.CUSTOM_CA_NOT_SUPPORTED_BY_VERSION, Severity.WARNING, S3 + ".custom_ca", "RKE "
                            + v + " ignores s3backupconfig.custom_ca (added in " + RkeFeature.CUSTOM_CA.since()
                            + "): an endpoint with a private CA "
                            + "fails with x509 errors (rke#1316). Upgrade RKE.");
                } else if (!s3.customCa().get().contains("-----BEGIN CERTIFICATE-----")) {
                    add(WarningCode.CUSTOM_CA_NOT_PEM, Severity.WARNING, S3 + ".custom_ca", "s3backupconfig"
                            + ".custom_ca is not a PEM certificate; RKE rejects it (\"invalid S3 endpoint CA "
                            + "certificate\"). Paste the CA as PEM text (-----BEGIN CERTIFICATE----- ...) with `|`.");
                }
            }
        }

        void keys() {
            for (String path : c.unknownKeys()) {
                Optional<String> hint = KeySuggestions.suggest(path);
                boolean backup = KeySuggestions.isNearBackupSettings(path);
                if (backup) {
                    add(WarningCode.UNKNOWN_BACKUP_KEY, Severity.WARNING, path, "`" + path + "` is not an RKE key "
                            + "and is silently ignored, so the setting it was meant for is off"
                            + hint.map(h -> "; did you mean `" + h + "`?").orElse(". Check the spelling.")
                            + " (RKE's keys here: " + KeySuggestions.knownKeysFor(path) + ")");
                } else {
                    add(WarningCode.UNKNOWN_KEY, Severity.INFO, path, "`" + path + "` is not an RKE CLI key and is "
                            + "ignored" + KeySuggestions.note(path)
                            + hint.map(h -> "; did you mean `" + h + "`?").orElse("."));
                }
            }
            for (String path : c.duplicateKeys()) {
                add(WarningCode.DUPLICATE_KEY, Severity.WARNING, path, "`" + path + "` appears more than once in "
                        + "the same section; RKE uses the last one. Remove the duplicate.");
            }
        }

        void restore(EffectiveBackup eff) {
            if (v.has(RkeFeature.STATE_FILE)) {
                Optional<Path> state = c.stateFilePath();
                if (state.isPresent() && !Files.exists(state.get())) {
                    add(WarningCode.STATE_FILE_MISSING, Severity.WARNING, null,
                            RestoreGuide.of(v).stateFileMissing(state.get()));
                }
                if (eff.recurring() && v.recurringSnapshotsLackState()) {
                    add(WarningCode.STATE_MISSING_IN_RECURRING_SNAPSHOTS, Severity.WARNING, null,
                            "Recurring snapshots of RKE " + v + " do not contain the cluster state ("
                            + (v.has(RkeFeature.RECURRING_STATE_LOST) ? "rancher#48253" : "before "
                            + RkeFeature.RECURRING_STATE.since() + ", rke#2222")
                            + "). A restore from them needs a separately saved .rkestate: back it up with every "
                            + "snapshot, or take manual snapshots with snapshot-save.");
                }
            } else if (v.has(RkeFeature.PKI_BUNDLE)) {
                add(WarningCode.PKI_BUNDLE_REQUIRED, Severity.INFO, null, vs + " has no .rkestate: a restore"
                        + " needs pki.bundle.tar.gz from /opt/rke/etcd-snapshots next to the snapshot on every etcd "
                        + "node. Back it up together with the snapshots.");
            }
        }
    }

    static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static String hours(java.time.Duration d) {
        long h = d.toHours();
        if (d.isZero()) {
            return "0 h";
        }
        return h > 0 && d.toMinutes() % 60 == 0 ? h + " h" : GoDuration.format(d);
    }
}
