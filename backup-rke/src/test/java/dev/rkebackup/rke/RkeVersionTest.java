package dev.rkebackup.rke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RkeVersionTest {

    @ParameterizedTest
    @CsvSource({
        "'rke version v1.4.3', v1.4.3",
        "'rke version v1.4.3\n', v1.4.3",
        "'  v0.1.18 ', v0.1.18",
        "1.2.8, v1.2.8",
        "v1.6.3-rc1, v1.6.3-rc1",
        "'rke version v1.6.6-rc.1', v1.6.6-rc.1",
        "'RKE VERSION v1.3.13', v1.3.13",
        "v1.5.10+build.7, v1.5.10",
        "'rke version dev', dev",
        "dev, dev",
    })
    void parsesWhatRkePrints(String text, String expected) {
        assertThat(RkeVersion.parse(text)).hasToString(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "rke version", "1.4", "v1.4.x", "version 1.4.3", "v1.4.3.1", "latest",
        "rke version v1.4.3 extra", "v-1.2.3", "v1.2.3-", "\u0661.2.3"})
    void rejectsGarbageWithAHelpfulMessage(String text) {
        assertThatThrownBy(() -> RkeVersion.parse(text)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("rke --version").hasMessageContaining("v1.4.3");
    }

    @Test
    void readsTheVersionLineOfMultiLineOutput() {
        assertThat(RkeVersion.parse("WARN[0000] something odd\nrke version v1.5.12\n")).hasToString("v1.5.12");
        assertThatThrownBy(() -> RkeVersion.parse("v1.2.3\nv1.2.4")).isInstanceOf(InvalidInputException.class);
    }

        @Test
    void rejectsHugeInputWithoutEchoingIt() {
        String huge = "v1." + "9".repeat(10_000) + ".0";
        assertThatThrownBy(() -> RkeVersion.parse(huge)).isInstanceOf(InvalidInputException.class)
                .hasMessageNotContaining("9999999");
    }

    @Test
    void nullIsAProgrammingError() {
        assertThatThrownBy(() -> RkeVersion.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void orderingAndEquality() {
        assertThat(RkeVersion.parse("v1.6.3-rc1")).isLessThan(RkeVersion.parse("v1.6.3"));
        assertThat(RkeVersion.parse("v1.6.3")).isLessThan(RkeVersion.parse("v1.6.10"));
        assertThat(RkeVersion.parse("v0.2.10")).isGreaterThan(RkeVersion.parse("v0.2.9"));
        assertThat(RkeVersion.parse("dev")).isGreaterThan(RkeVersion.parse("v9.9.9"));
        assertThat(RkeVersion.parse("rke version v1.4.3")).isEqualTo(RkeVersion.of(1, 4, 3))
                .hasSameHashCodeAs(RkeVersion.of(1, 4, 3));
        assertThat(RkeVersion.parse("v1.4.3-rc1")).isNotEqualTo(RkeVersion.of(1, 4, 3));
        assertThatThrownBy(() -> RkeVersion.of(1, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void knownVersusUnknown() {
        assertThat(RkeVersion.parse("v1.6.3").isKnown()).isTrue();
        assertThat(RkeVersion.parse("v0.1.7").isKnown()).isTrue();
        assertThat(RkeVersion.parse("v1.6.9").isKnown()).isTrue();
        assertThat(RkeVersion.parse("v1.7.0").isKnown()).isFalse();
        assertThat(RkeVersion.parse("v2.0.0").isKnown()).isFalse();
        RkeVersion dev = RkeVersion.parse("dev");
        assertThat(dev.isKnown()).isFalse();
        assertThat(dev.isDev()).isTrue();
        assertThat(RkeVersion.parse("v1.6.3-rc1").isPreRelease()).isTrue();
        assertThat(RkeVersion.parse("v1.6.3-rc1").preRelease()).isEqualTo("rc1");
    }

    @Test
    void devIsTreatedAsNewestKnownBehaviour() {
        RkeVersion dev = RkeVersion.parse("dev");
        assertThat(dev.isAtLeast(99, 0, 0)).isTrue();
        assertThat(dev.has(RkeFeature.BACKUP_CONFIG)).isTrue();
        assertThat(dev.has(RkeFeature.FOLDER)).isTrue();
        assertThat(dev.has(RkeFeature.STATE_IN_SNAPSHOT)).isTrue();
        assertThat(dev.has(RkeFeature.BACKUP_TIMEOUT)).isTrue();
        assertThat(dev.has(RkeFeature.PER_HOST_SUMMARY)).isTrue();
        assertThat(dev.has(RkeFeature.PKI_BUNDLE)).isFalse();
        assertThat(dev.has(RkeFeature.PANIC_WITHOUT_BACKUP_CONFIG)).isFalse();
        assertThat(dev.recurringSnapshotsLackState()).isFalse();
        assertThat(dev.finalSaveMessage("x")).isEqualTo("Finished saving/uploading snapshot [x] on all etcd hosts");
    }

    private static void boundary(Predicate<RkeVersion> capability, String lastWithout, String firstWith) {
        assertThat(capability.test(RkeVersion.parse(lastWithout))).as(lastWithout).isFalse();
        assertThat(capability.test(RkeVersion.parse(firstWith))).as(firstWith).isTrue();
    }

    @Test
    void capabilityBoundariesFollowTheVersionTimeline() {
        boundary(v -> v.has(RkeFeature.SNAPSHOTS), "v0.1.6", "v0.1.7");
        boundary(v -> v.has(RkeFeature.BACKUP_CONFIG), "v0.1.18", "v0.2.0");
        boundary(v -> v.has(RkeFeature.STATE_FILE), "v0.1.18", "v0.2.0");
        boundary(v -> v.has(RkeFeature.LOGS_TO_STDOUT), "v0.1.18", "v0.2.0");
        boundary(v -> v.has(RkeFeature.ZIPPED_SNAPSHOTS), "v0.2.4", "v0.2.5");
        boundary(v -> v.has(RkeFeature.CUSTOM_CA), "v0.2.4", "v0.2.5");
        boundary(v -> v.has(RkeFeature.FOLDER), "v0.2.6", "v0.2.7");
        boundary(v -> v.has(RkeFeature.STATE_IN_SNAPSHOT), "v1.1.4", "v1.1.5");
        boundary(v -> v.has(RkeFeature.STATE_IN_SNAPSHOT), "v1.1.4", "v1.1.5");
        boundary(v -> v.has(RkeFeature.BACKUP_TIMEOUT), "v1.1.13", "v1.1.14");
        boundary(v -> v.has(RkeFeature.BACKUP_TIMEOUT), "v1.2.4", "v1.2.5");
        boundary(v -> v.has(RkeFeature.PER_HOST_SUMMARY), "v1.3.12", "v1.3.13");
        boundary(v -> v.has(RkeFeature.RECURRING_ON_BY_DEFAULT), "v0.1.11", "v0.1.12");
        boundary(v -> v.has(RkeFeature.STATE_IN_SECRET), "v1.4.18", "v1.4.19");
        boundary(v -> v.has(RkeFeature.STATE_IN_SECRET), "v1.5.9", "v1.5.10");
        boundary(v -> v.has(RkeFeature.STATE_IN_SECRET), "v1.3.24", "v1.6.0");
        // v1.2.0 has the embedded state but not the timeout
        assertThat(RkeVersion.parse("v1.2.0").has(RkeFeature.STATE_IN_SNAPSHOT)).isTrue();
        assertThat(RkeVersion.parse("v1.2.0").has(RkeFeature.BACKUP_TIMEOUT)).isFalse();
        assertThat(RkeVersion.parse("v1.1.20").has(RkeFeature.BACKUP_TIMEOUT)).isTrue();
        // pre-releases count as their release
        assertThat(RkeVersion.parse("v0.2.7-rc3").has(RkeFeature.FOLDER)).isTrue();
    }

    @Test
    void pkiBundleOnlyFromV018ToV01x() {
        assertThat(RkeVersion.parse("v0.1.7").has(RkeFeature.PKI_BUNDLE)).isFalse();
        assertThat(RkeVersion.parse("v0.1.8").has(RkeFeature.PKI_BUNDLE)).isTrue();
        assertThat(RkeVersion.parse("v0.1.18").has(RkeFeature.PKI_BUNDLE)).isTrue();
        assertThat(RkeVersion.parse("v0.2.0").has(RkeFeature.PKI_BUNDLE)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"v1.3.12,false", "v1.3.13,true", "v1.3.14,true", "v1.3.15,false", "v1.4.0,true", "v1.4.2,true",
        "v1.4.3,false", "v1.5.0,false", "v1.2.8,false"})
    void panicAfterSaveVersions(String version, boolean panics) {
        assertThat(RkeVersion.parse(version).has(RkeFeature.PANIC_WITHOUT_BACKUP_CONFIG)).isEqualTo(panics);
    }

    @ParameterizedTest
    @CsvSource({"v1.4.18,false,false", "v1.4.19,true,true", "v1.4.25,true,true", "v1.5.9,false,false",
        "v1.5.10,true,true", "v1.6.0,true,true", "v1.6.5,true,true", "v1.6.6,false,false", "v1.3.20,false,false",
        "v1.2.3,false,true", "v1.1.5,false,true", "v0.2.8,false,true", "v1.2.4,false,false"})
    void recurringSnapshotsWithoutState(String version, boolean rancher48253, boolean lacksState) {
        RkeVersion v = RkeVersion.parse(version);
        assertThat(v.has(RkeFeature.RECURRING_STATE_LOST)).isEqualTo(rancher48253);
        assertThat(v.recurringSnapshotsLackState()).isEqualTo(lacksState);
    }

    @Test
    void finalSaveMessageChangesInV030() {
        assertThat(RkeVersion.parse("v0.2.8").finalSaveMessage("snap"))
                .isEqualTo("Finished saving snapshot [snap] on all etcd hosts");
        assertThat(RkeVersion.parse("v0.3.0").finalSaveMessage("snap"))
                .isEqualTo("Finished saving/uploading snapshot [snap] on all etcd hosts");
        assertThat(RkeVersion.parse("v0.3.0").finalSaveMessageFormat()).contains("%s");
    }

    @Test
    void snapshotFileNameIsZippedFromV025() {
        assertThat(RkeVersion.parse("v0.2.4").snapshotFileName("s")).isEqualTo("s");
        assertThat(RkeVersion.parse("v0.2.5").snapshotFileName("s")).isEqualTo("s.zip");
    }
}
