package dev.rkebackup.rke.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SnapshotNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "/opt/rke/etcd-snapshots/x", "a\\b", "..", "x..y", ".", "snap.zip",
        "snap.ZIP", "-snap", "bad\nname", "tab\tname", "del\u007f"})
    void badNamesAreRefusedWithAReason(String name) {
        assertThatThrownBy(() -> SnapshotNames.requireValid(name)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("snapshot name");
    }

    @Test
    void overlongAndNullNamesAreRefused() {
        assertThatThrownBy(() -> SnapshotNames.requireValid("x".repeat(201))).hasMessageContaining("201");
        assertThatThrownBy(() -> SnapshotNames.requireValid(null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void zipSuffixMessageSuggestsTheBareName() {
        assertThatThrownBy(() -> SnapshotNames.requireValid("nightly.zip")).hasMessageContaining("use \"nightly\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nightly", "before-upgrade_2024.05.01", "rke_etcd_snapshot_2020-10-15T16:47:24+02:00",
        "2020-10-15T14:53:26Z_etcd"})
    void goodNamesPass(String name) {
        assertThat(SnapshotNames.requireValid(name)).isEqualTo(name);
    }

    @Test
    void defaultNameFollowsGoRfc3339() {
        assertThat(SnapshotNames.defaultName(ZonedDateTime.of(2020, 10, 15, 16, 47, 24, 123_000_000,
                ZoneId.of("Europe/Berlin")))).isEqualTo("rke_etcd_snapshot_2020-10-15T16:47:24+02:00");
        assertThat(SnapshotNames.defaultName(ZonedDateTime.of(2020, 10, 15, 14, 47, 24, 0, ZoneId.of("UTC"))))
                .isEqualTo("rke_etcd_snapshot_2020-10-15T14:47:24Z");
        assertThat(SnapshotNames.defaultName(ZonedDateTime.of(2021, 6, 3, 11, 48, 44, 0, ZoneId.of("-04:00"))))
                .isEqualTo("rke_etcd_snapshot_2021-06-03T11:48:44-04:00");
    }
}
