package dev.rkebackup.core.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.core.storage.FileSystemObjectStore;
import dev.rkebackup.core.storage.ObjectInfo;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RetentionTest {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    @TempDir
    Path tmp;
    FileSystemObjectStore fs;
    List<String> ids;

    /** Sets at: now-1h, now-5h, yesterday 23:00, 3 days ago, 10 days ago, 40 days ago, 70 days ago. */
    @BeforeEach
    void setUp() {
        fs = FileSystemObjectStore.create(tmp);
        ids = new ArrayList<>();
        for (Duration age : List.of(Duration.ofHours(1), Duration.ofHours(5), Duration.ofHours(13),
                Duration.ofDays(3), Duration.ofDays(10), Duration.ofDays(40), Duration.ofDays(70))) {
            BackupRepository r = repoAt(NOW.minus(age));
            try (BackupSetWriter w = r.newSet(SetMetadata.of("c"))) {
                w.add("snap", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local("s"), new byte[] {1, 2});
                ids.add(w.commit().setId());
            }
        }
    }

    private BackupRepository repoAt(Instant t) {
        return BackupRepository.builder(fs).clock(Clock.fixed(t, ZoneOffset.UTC)).build();
    }

    private RetentionPlan plan(RetentionPolicy p) {
        return repoAt(NOW).planRetention(p);
    }

    @Test
    void keepLastKeepsTheNewestN() {
        RetentionPlan p = plan(RetentionPolicy.keepLast(2));
        assertThat(p.kept()).containsExactly(ids.get(0), ids.get(1));
        assertThat(p.removed()).containsExactlyElementsOf(ids.subList(2, 7));
    }

    @Test
    void keepWithinKeepsYoungerSets() {
        assertThat(plan(RetentionPolicy.keepWithin(Duration.ofDays(4))).kept())
                .containsExactlyElementsOf(ids.subList(0, 4));
    }

    @Test
    void calendarRulesKeepTheNewestSetPerUtcDayWeekAndMonth() {
        assertThat(plan(RetentionPolicy.builder().keepDaily(2).build()).kept())
                .containsExactly(ids.get(0), ids.get(2));
        // 2026-11-26 is a Thursday: week buckets are this week (0,1,2,3: Nov 23 is Monday), Nov 16 week (4)
        assertThat(plan(RetentionPolicy.builder().keepWeekly(2).build()).kept())
                .containsExactly(ids.get(0), ids.get(4));
        assertThat(plan(RetentionPolicy.builder().keepMonthly(3).build()).kept())
                .containsExactly(ids.get(0), ids.get(5), ids.get(6));
    }

    @Test
    void aSetIsKeptIfAnyRuleKeepsIt() {
        RetentionPlan p = plan(RetentionPolicy.builder().keepLast(1).keepWithin(Duration.ofDays(4)).keepMonthly(2)
                .build());
        assertThat(p.kept()).containsExactly(ids.get(0), ids.get(1), ids.get(2), ids.get(3), ids.get(5));
    }

    @Test
    void theNewestCompleteSetIsAlwaysKeptEvenWhenNoRuleMatches() {
        BackupRepository r = repoAt(NOW);
        try (BackupSetWriter w = r.newSet(SetMetadata.of("c"))) {
            w.add("snap", ArtifactKind.of("etcd-snapshot"), ArtifactSource.local("s"), new byte[] {1});
            w.commitIncomplete(List.of("rkestate missing"));
        }
        RetentionPlan p = plan(RetentionPolicy.keepWithin(Duration.ofMinutes(1)));
        assertThat(p.kept()).hasSize(2).contains(ids.get(0));
        assertThat(p.decisions().stream().filter(d -> d.manifest().setId().equals(ids.get(0))).findFirst()
                .orElseThrow().reasons()).containsExactly("newest complete set");
    }

    @Test
    void applyingRemovesOnlyWhatManifestsListAndLeavesUnreadableSetsAndForeignKeys() {
        String victim = ids.get(6);
        fs.put(victim + "/operator-notes.txt", new ByteArrayInputStream(new byte[] {1}), 1);
        fs.put("unrelated/file", new ByteArrayInputStream(new byte[] {1}), 1);
        String broken = ids.get(5);
        fs.put(broken + "/manifest.json", new ByteArrayInputStream("{".getBytes()), 1);

        RetentionPlan p = plan(RetentionPolicy.keepLast(1));
        assertThat(p.removed()).doesNotContain(broken).contains(victim);
        List<String> removed = repoAt(NOW).applyRetention(p);
        assertThat(removed).containsExactlyElementsOf(p.removed());
        List<String> keys = fs.list("").stream().map(ObjectInfo::key).toList();
        assertThat(keys).contains(victim + "/operator-notes.txt", "unrelated/file", broken + "/manifest.json",
                broken + "/snap", ids.get(0) + "/manifest.json");
        assertThat(keys).doesNotContain(victim + "/snap", victim + "/manifest.json", ids.get(1) + "/snap");
        assertThat(repoAt(NOW).listSets()).extracting(Manifest::setId).containsExactly(ids.get(0));
    }

    @Test
    void dryRunPlanChangesNothing() {
        plan(RetentionPolicy.keepLast(1));
        assertThat(repoAt(NOW).listSets()).hasSize(7);
        assertThat(RetentionPolicy.keepLast(0).isEmpty()).isTrue();
    }
}
