package dev.rkebackup.rke.backup;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.rke.RestoreGuide;
import dev.rkebackup.rke.RkeArtifacts;
import dev.rkebackup.rke.RkeVersion;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.config.ConfigInspection;
import dev.rkebackup.rke.config.ConfigInspector;
import dev.rkebackup.rke.config.ConfigWarning;
import dev.rkebackup.rke.config.WarningCode;
import dev.rkebackup.rke.exec.SnapshotResult;
import dev.rkebackup.rke.exec.SnapshotSaveRequest;
import dev.rkebackup.rke.exec.SnapshotStatus;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One row per version boundary of rke-facts.md (the version on each side where the behaviour changes): what
 * {@code inspect} reports, whether {@code backup} (real stand-in snapshot, real etcd) stores a complete set with and
 * without the local {@code .rkestate}, and what {@code prepare-restore} plans, including the printed restore
 * command. The expectations are written out here, not derived from {@code RkeFeature}, so a wrong threshold fails.
 */
@Timeout(300)
class VersionBoundariesTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(1).build();

    @TempDir
    Path tmp;

    /** How a restore on the version gets the cluster state. */
    enum State {
        /** v0.1.x: there is no state file. */
        NONE,
        /** v0.2.0–v1.1.4: only the local file next to the config. */
        LOCAL_ONLY,
        /** v1.1.5+: from the snapshot zip, else the local file. */
        LOCAL_OR_ZIP
    }

    /**
     * @param v version
     * @param zip snapshot file is {@code <name>.zip}
     * @param state how the state is found
     * @param pki restore needs pki.bundle.tar.gz
     * @param recurringByDefault recurring snapshots run without {@code snapshot: true}
     * @param snapshotStatus how the stand-in's save of a config without backup_config ends
     * @param codes inspection codes expected for the plain stand-in config (state file present)
     * @param absentCodes codes that must not appear
     */
    record Row(String v, boolean zip, State state, boolean pki, boolean recurringByDefault,
            SnapshotStatus snapshotStatus, List<WarningCode> codes, List<WarningCode> absentCodes) {
        @Override
        public String toString() {
            return v;
        }
    }

    private static final List<WarningCode> NONE_EXPECTED = List.of();
    private static final WarningCode RECURRING_OFF = WarningCode.RECURRING_DISABLED;
    private static final WarningCode PANIC = WarningCode.SAVE_PANICS_WITHOUT_BACKUP_CONFIG;
    private static final WarningCode NO_STATE_IN_RECURRING = WarningCode.STATE_MISSING_IN_RECURRING_SNAPSHOTS;
    private static final WarningCode PKI = WarningCode.PKI_BUNDLE_REQUIRED;

    private static Row row(String v, boolean zip, State state, boolean pki, boolean recurring, SnapshotStatus s,
            List<WarningCode> codes, List<WarningCode> absent) {
        return new Row(v, zip, state, pki, recurring, s, codes, absent);
    }

    static Stream<Row> rows() {
        SnapshotStatus ok = SnapshotStatus.SUCCESS;
        SnapshotStatus panic = SnapshotStatus.PANIC_AFTER_SAVE;
        return Stream.of(
                // v0.1.7: snapshots exist; no pki bundle yet; recurring off by default (5m0s / 24h)
                row("v0.1.7", false, State.NONE, false, false, ok, List.of(RECURRING_OFF), List.of(PKI)),
                // v0.1.8: pki.bundle.tar.gz written and needed
                row("v0.1.8", false, State.NONE, true, false, ok, List.of(PKI, RECURRING_OFF), NONE_EXPECTED),
                row("v0.1.11", false, State.NONE, true, false, ok, List.of(RECURRING_OFF), NONE_EXPECTED),
                // v0.1.12: recurring on by default (12h / 72h)
                row("v0.1.12", false, State.NONE, true, true, ok, List.of(PKI), List.of(RECURRING_OFF)),
                row("v0.1.18", false, State.NONE, true, true, ok, List.of(PKI), NONE_EXPECTED),
                // v0.2.0: .rkestate replaces the bundle; restore from one node; recurring snapshots lack the state
                row("v0.2.0", false, State.LOCAL_ONLY, false, true, ok, List.of(NO_STATE_IN_RECURRING), List.of(PKI)),
                row("v0.2.3", false, State.LOCAL_ONLY, false, true, ok, List.of(NO_STATE_IN_RECURRING), NONE_EXPECTED),
                row("v0.2.4", false, State.LOCAL_ONLY, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                // v0.2.5: zipped snapshots
                row("v0.2.5", true, State.LOCAL_ONLY, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                row("v0.2.7", true, State.LOCAL_ONLY, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                row("v0.3.0", true, State.LOCAL_ONLY, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                // the case: v1.0.8 restores only with the local .rkestate
                row("v1.0.8", true, State.LOCAL_ONLY, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                row("v1.1.0", true, State.LOCAL_ONLY, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                row("v1.1.4", true, State.LOCAL_ONLY, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                // v1.1.5: manual snapshots carry the state; restore reads it
                row("v1.1.5", true, State.LOCAL_OR_ZIP, false, true, ok, List.of(NO_STATE_IN_RECURRING),
                        NONE_EXPECTED),
                row("v1.1.14", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                row("v1.1.19", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                row("v1.2.0", true, State.LOCAL_OR_ZIP, false, true, ok, List.of(NO_STATE_IN_RECURRING),
                        NONE_EXPECTED),
                row("v1.2.3", true, State.LOCAL_OR_ZIP, false, true, ok, List.of(NO_STATE_IN_RECURRING),
                        NONE_EXPECTED),
                // v1.2.4: recurring snapshots carry the state too
                row("v1.2.4", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED, List.of(NO_STATE_IN_RECURRING)),
                row("v1.2.5", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                row("v1.2.8", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                row("v1.3.0", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED, NONE_EXPECTED),
                row("v1.3.12", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED, List.of(PANIC)),
                // v1.3.13-14 / v1.4.0-2: panic (exit 2) after a save without backup_config, files exist
                row("v1.3.13", true, State.LOCAL_OR_ZIP, false, true, panic, List.of(PANIC), NONE_EXPECTED),
                row("v1.3.15", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED, List.of(PANIC)),
                row("v1.4.0", true, State.LOCAL_OR_ZIP, false, true, panic, List.of(PANIC), NONE_EXPECTED),
                row("v1.4.3", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED, List.of(PANIC)),
                // v1.4.19 / v1.5.10 / v1.6.0-v1.6.5: recurring snapshots lose the state again (rancher#48253)
                row("v1.4.18", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED,
                        List.of(NO_STATE_IN_RECURRING)),
                row("v1.4.19", true, State.LOCAL_OR_ZIP, false, true, ok, List.of(NO_STATE_IN_RECURRING),
                        NONE_EXPECTED),
                row("v1.5.9", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED, List.of(NO_STATE_IN_RECURRING)),
                row("v1.5.10", true, State.LOCAL_OR_ZIP, false, true, ok, List.of(NO_STATE_IN_RECURRING),
                        NONE_EXPECTED),
                row("v1.6.0", true, State.LOCAL_OR_ZIP, false, true, ok, List.of(NO_STATE_IN_RECURRING),
                        NONE_EXPECTED),
                row("v1.6.5", true, State.LOCAL_OR_ZIP, false, true, ok, List.of(NO_STATE_IN_RECURRING),
                        NONE_EXPECTED),
                row("v1.6.6", true, State.LOCAL_OR_ZIP, false, true, ok, NONE_EXPECTED,
                        List.of(NO_STATE_IN_RECURRING)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void inspectBackupAndPrepareRestoreAgreeWithTheFacts(Row row) throws Exception {
        StandinCluster c = new StandinCluster(ETCD, row.v(), tmp);
        RkeVersion v = c.version;
        Path stateFile = c.configFile.resolveSibling("rancher-cluster.rkestate");

        // inspect
        ConfigInspection inspection = ConfigInspector.inspect(c.config(), v);
        List<WarningCode> codes = inspection.warnings().stream().map(ConfigWarning::code).toList();
        assertThat(codes).as(inspection.toText()).containsAll(row.codes());
        row.absentCodes().forEach(a -> assertThat(codes).as(inspection.toText()).doesNotContain(a));
        assertThat(inspection.backup().recurring()).isEqualTo(row.recurringByDefault());
        String text = inspection.toText();
        String needs = text.lines().filter(l -> l.startsWith("Restore needs:")).findFirst().orElseThrow();
        if (row.state() == State.NONE) {
            assertThat(needs).contains("on every etcd node").contains("no S3").doesNotContain(".rkestate");
        } else {
            assertThat(needs).contains("on at least one etcd node").contains("or in S3").contains(".rkestate");
        }
        assertThat(needs.contains("pki.bundle.tar.gz")).isEqualTo(row.pki());
        assertThat(needs).contains(row.zip() ? "<name>.zip" : "<name> in");
        if (row.state() == State.LOCAL_ONLY) {
            assertThat(needs).contains("does not read it from the snapshot; that starts at v1.1.5");
        } else if (row.state() == State.LOCAL_OR_ZIP) {
            assertThat(needs).contains("taken from the snapshot zip when it carries one");
        }

        // backup: real snapshot, then collect with and without the local state file
        SnapshotResult snap = c.runner.snapshotSave(SnapshotSaveRequest.builder(c.configFile).name("n").build());
        assertThat(snap.status()).as(snap.toString()).isEqualTo(row.snapshotStatus());
        String file = row.zip() ? "n.zip" : "n";
        assertThat(c.standin.snapshotDir("10.0.0.1").resolve(file)).exists();
        Manifest complete = c.job().build().collect("n").manifest();
        assertThat(complete.complete()).isTrue();
        assertThat(complete.artifacts(RkeArtifacts.ETCD_SNAPSHOT).get(0).path()).isEqualTo("snapshots/" + file);
        assertThat(complete.artifacts(RkeArtifacts.PKI_BUNDLE)).hasSize(row.pki() ? 1 : 0);
        assertThat(complete.artifacts(RkeArtifacts.RKESTATE)).hasSize(row.state() == State.NONE ? 0 : 1);

        Files.delete(stateFile);
        if (row.state() == State.LOCAL_ONLY) {
            assertThatThrownBy(() -> c.job().build().collect("n")).isInstanceOf(IncompleteBackupException.class)
                    .hasMessageContaining("cluster state file");
            Manifest incomplete = c.job().allowIncomplete(true).build().collect("n").manifest();
            assertThat(incomplete.complete()).isFalse();
            assertThat(incomplete.notes()).noneMatch(n -> n.contains("carries the state"));
            assertThatThrownBy(() -> prep(c, incomplete).dryRun()).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("does not read the state from the snapshot");
        } else {
            // v0.1.x needs no state file; v1.1.5+ restores from the state inside the zip
            Manifest withoutLocal = c.job().build().collect("n").manifest();
            assertThat(withoutLocal.complete()).isTrue();
            assertThat(withoutLocal.artifacts(RkeArtifacts.RKESTATE)).isEmpty();
            assertThat(prep(c, withoutLocal).dryRun().ok()).isTrue();
        }
        ConfigInspection noState = ConfigInspector.inspect(c.config(), v);
        boolean missingReported = noState.warnings().stream()
                .anyMatch(w -> w.code() == WarningCode.STATE_FILE_MISSING);
        assertThat(missingReported).isEqualTo(row.state() != State.NONE);
        Files.writeString(stateFile, StandinCluster.STATE);

        // prepare-restore (dry run) and the printed restore command
        RestoreResult plan = prep(c, complete).dryRun();
        String config = c.configFile.toAbsolutePath().toString();
        assertThat(plan.restoreCommand()).endsWith("etcd snapshot-restore --config " + config + " --name n");
        List<String> steps = plan.steps();
        assertThat(steps).filteredOn(s -> s.startsWith("write snapshots/" + file)).hasSize(3);
        assertThat(steps).filteredOn(s -> s.startsWith("write pki.bundle.tar.gz")).hasSize(row.pki() ? 3 : 0);
        assertThat(steps).filteredOn(s -> s.startsWith("place state file")).hasSize(row.state() == State.NONE ? 0 : 1);
        boolean rkeUpAfter = steps.get(steps.size() - 1).startsWith("then run: rke up --config " + config);
        assertThat(rkeUpAfter).as(String.join("\n", steps)).isEqualTo(row.state() == State.NONE);
        assertThat(RestoreGuide.of(v).effect(c.configFile)).contains(row.state() == State.NONE
                ? "restores the etcd plane only; run `rke up --config" : "stops etcd, wipes the cluster");
    }

    @Test
    void beforeV017ThereIsNothingToBackUp() {
        StandinCluster c = new StandinCluster(ETCD, "v0.1.6", tmp);
        assertThat(ConfigInspector.inspect(c.config(), c.version).warnings()).extracting(ConfigWarning::code)
                .contains(WarningCode.SNAPSHOTS_NOT_SUPPORTED_BY_VERSION);
        assertThatThrownBy(() -> c.job().build().collect("n")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("added in v0.1.7");
    }

    @Test
    void stateFileMissingSaysWhatSnapshotSaveDoesOnThatVersion() {
        Path state = Path.of("/c/cluster.rkestate");
        assertThat(RestoreGuide.of(RkeVersion.parse("v0.2.5")).stateFileMissing(state))
                .contains("snapshots never carry the state on this version (embedding starts at v1.1.5)")
                .contains("`rke util get-state-file` needs RKE v1.2.5").doesNotContain("embed it");
        assertThat(RestoreGuide.of(RkeVersion.parse("v1.0.4")).stateFileMissing(state))
                .contains("embedding starts at v1.1.5");
        assertThat(RestoreGuide.of(RkeVersion.parse("v1.2.4")).stateFileMissing(state))
                .contains("waits for it on every host").contains("needs RKE v1.2.5");
        assertThat(RestoreGuide.of(RkeVersion.parse("v1.2.5")).stateFileMissing(state))
                .contains("Recover it with `rke util get-state-file`");
        assertThat(RestoreGuide.of(RkeVersion.parse("v1.3.0")).stateFileMissing(state))
                .contains("snapshot-save only warns");
    }

    @Test
    void shortDefaultIntervalOnlyBeforeV0112() {
        assertThat(RestoreGuide.of(RkeVersion.parse("v0.1.10")).shortDefaultInterval()).get().asString()
                .contains("every 5 minutes");
        assertThat(RestoreGuide.of(RkeVersion.parse("v0.1.11")).shortDefaultInterval()).isPresent();
        assertThat(RestoreGuide.of(RkeVersion.parse("v0.1.12")).shortDefaultInterval()).isEmpty();
        assertThat(RestoreGuide.of(RkeVersion.parse("v1.6.3")).shortDefaultInterval()).isEmpty();
    }

    private static RestorePreparation prep(StandinCluster c, Manifest m) throws Exception {
        Path roots = Files.createTempDirectory(c.configFile.getParent(), "restore-nodes");
        for (String h : StandinCluster.HOSTS) {
            Files.createDirectories(roots.resolve(h).resolve("opt/rke/etcd-snapshots"));
        }
        return RestorePreparation.builder(c.repository, m.setId(), ClusterConfig.load(c.configFile), c.version,
                NodeConnector.localDirectories(n -> roots.resolve(n.address()))).build();
    }
}
