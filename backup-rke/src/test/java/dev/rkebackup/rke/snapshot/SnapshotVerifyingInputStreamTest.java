package dev.rkebackup.rke.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Checks real etcd snapshots (taken with etcdctl from a real etcd) and damaged copies of them. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SnapshotVerifyingInputStreamTest {
    private static final String NAME = "rke_etcd_snapshot_2026-11-26T11:00:00+00:00";
    @TempDir
    static Path dir;
    private static byte[] snapshot;
    private static byte[] memberDb;
    private static EtcdCluster.SnapshotInfo info;

    @BeforeAll
    static void takeSnapshot() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1)) {
            etcd.loadKeys("/registry/test/", 60, 20_000);
            Path snap = etcd.snapshot(dir.resolve("snap.db"));
            snapshot = Files.readAllBytes(snap);
            info = etcd.snapshotInfo(snap);
            etcd.killMember(0);
            try (Stream<Path> files = Files.walk(etcd.root())) {
                Path db = files.filter(p -> p.endsWith(Path.of("member", "snap", "db"))).findFirst().orElseThrow();
                memberDb = Files.readAllBytes(db);
            }
        }
        assertThat(snapshot.length % 4096).as("API snapshots end with a 32-byte trailer").isEqualTo(32);
    }

    @Test
    void realSnapshotPassesAndBytesAreUnchanged() throws IOException {
        Copy c = copy(SnapshotVerifyingInputStream.plain(new ByteArrayInputStream(snapshot)), 7919);
        assertThat(c.bytes).isEqualTo(snapshot);
        assertThat(c.check.verdict()).as(c.check.detail()).isEqualTo(SnapshotVerdict.OK);
        assertThat(c.check.snapshotBytes()).isEqualTo(snapshot.length);
        assertThat(c.check.snapshotBytes() - 32).as("etcdctl snapshot status totalSize").isEqualTo(info.totalSize());
        assertThat(c.check.layout()).isEqualTo(SnapshotLayout.PLAIN);
        assertThat(c.check.requireOk("test")).isSameAs(c.check);
    }

    @Test
    void flippedByteIsATrailerMismatch() throws IOException {
        byte[] bad = snapshot.clone();
        bad[bad.length / 2] ^= 0x01;
        SnapshotCheck check = check(bad, SnapshotLayout.PLAIN);
        assertThat(check.verdict()).isEqualTo(SnapshotVerdict.TRAILER_MISMATCH);
        assertThatThrownBy(() -> check.requireOk("node n1 file x")).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("node n1 file x").hasMessageContaining("TRAILER_MISMATCH")
                .hasMessageContaining("another etcd node");
    }

    @Test
    void flippedTrailerByteIsATrailerMismatch() throws IOException {
        byte[] bad = snapshot.clone();
        bad[bad.length - 1] ^= 0x40;
        assertThat(check(bad, SnapshotLayout.PLAIN).verdict()).isEqualTo(SnapshotVerdict.TRAILER_MISMATCH);
    }

    @Test
    void wrongMagicOrVersionIsABadHeader() throws IOException {
        byte[] bad = snapshot.clone();
        bad[16] ^= 0x01;
        assertThat(check(bad, SnapshotLayout.PLAIN).verdict()).isEqualTo(SnapshotVerdict.BAD_HEADER);
        byte[] v = snapshot.clone();
        v[20] = 3;
        assertThat(check(v, SnapshotLayout.PLAIN).verdict()).isEqualTo(SnapshotVerdict.BAD_HEADER);
        assertThat(check("not a snapshot at all, just text".repeat(200).getBytes(), SnapshotLayout.PLAIN)
                .verdict()).isEqualTo(SnapshotVerdict.BAD_HEADER);
    }

    @Test
    void truncatedSnapshotsAreDetectedWhereverTheyAreCut() throws IOException {
        int pages = snapshot.length / 4096;
        for (int cut : new int[] {0, 10, 100, 5000, snapshot.length / 2, (pages - 1) * 4096,
            (pages - 1) * 4096 + 32, snapshot.length - 1}) {
            SnapshotCheck check = check(Arrays.copyOf(snapshot, cut), SnapshotLayout.PLAIN);
            assertThat(check.verdict()).as("cut at %d: %s", cut, check.detail()).isEqualTo(SnapshotVerdict.TRUNCATED);
        }
    }

    @Test
    void missingTrailerIsReportedAsSuch() throws IOException {
        SnapshotCheck stripped = check(Arrays.copyOf(snapshot, snapshot.length - 32), SnapshotLayout.PLAIN);
        assertThat(stripped.verdict()).as(stripped.detail()).isEqualTo(SnapshotVerdict.NO_TRAILER);
        SnapshotCheck db = check(memberDb, SnapshotLayout.PLAIN);
        assertThat(db.verdict()).as(db.detail()).isEqualTo(SnapshotVerdict.NO_TRAILER);
        assertThat(db.ok()).isFalse();
    }

    @Test
    void rkeZipWithStateEntryIsCheckedAndPassedThroughByteForByte() throws IOException {
        byte[] zip = rkeZip(snapshot, true, "/backup/" + NAME);
        Copy c = copy(SnapshotVerifyingInputStream.rkeZip(new ByteArrayInputStream(zip), NAME), 1013);
        assertThat(c.bytes).isEqualTo(zip);
        assertThat(c.check.verdict()).as(c.check.detail()).isEqualTo(SnapshotVerdict.OK);
        assertThat(c.check.stateEntryPresent()).isTrue();
        assertThat(c.check.streamBytes()).isEqualTo(zip.length);
        assertThat(c.check.snapshotBytes()).isEqualTo(snapshot.length);
        assertThat(c.check.layout()).isEqualTo(SnapshotLayout.RKE_ZIP);
    }

    @Test
    void rkeZipWithoutStateEntryIsOkButSaysSo() throws IOException {
        SnapshotCheck check = check(rkeZip(snapshot, false, "/backup/" + NAME), SnapshotLayout.RKE_ZIP);
        assertThat(check.verdict()).isEqualTo(SnapshotVerdict.OK);
        assertThat(check.stateEntryPresent()).isFalse();
    }

    @Test
    void zipWithoutBackupEntryIsRejected() throws IOException {
        SnapshotCheck check = check(rkeZip(snapshot, true, "/backup/other-name"), SnapshotLayout.RKE_ZIP);
        assertThat(check.verdict()).isEqualTo(SnapshotVerdict.ZIP_LACKS_BACKUP_ENTRY);
        assertThat(check.detail()).contains("/backup/" + NAME);
        assertThat(check.stateEntryPresent()).isTrue();
    }

    @Test
    void zipHoldingAFlippedSnapshotIsATrailerMismatch() throws IOException {
        byte[] bad = snapshot.clone();
        bad[bad.length / 3] ^= 0x10;
        SnapshotCheck check = check(rkeZip(bad, true, "/backup/" + NAME), SnapshotLayout.RKE_ZIP);
        assertThat(check.verdict()).isEqualTo(SnapshotVerdict.TRAILER_MISMATCH);
    }

    @Test
    void damagedOrTruncatedZipIsRejected() throws IOException {
        byte[] zip = rkeZip(snapshot, true, "/backup/" + NAME);
        byte[] flipped = zip.clone();
        flipped[zip.length / 2] ^= 0x01;
        assertThat(check(flipped, SnapshotLayout.RKE_ZIP).verdict()).isEqualTo(SnapshotVerdict.ZIP_DAMAGED);
        for (int cut : new int[] {0, 3, 200, zip.length / 2, zip.length - 30, zip.length - 1}) {
            SnapshotCheck c = check(Arrays.copyOf(zip, cut), SnapshotLayout.RKE_ZIP);
            assertThat(c.verdict()).as("cut at %d: %s", cut, c.detail())
                    .isIn(SnapshotVerdict.TRUNCATED, SnapshotVerdict.ZIP_DAMAGED);
            assertThat(c.ok()).isFalse();
        }
        assertThat(check(snapshot, SnapshotLayout.RKE_ZIP).verdict()).isEqualTo(SnapshotVerdict.ZIP_DAMAGED);
    }

    @Test
    void noResultBeforeTheEndAndClosingEarlyStopsTheHelperThread() throws IOException {
        byte[] zip = rkeZip(snapshot, true, "/backup/" + NAME);
        SnapshotVerifyingInputStream in = SnapshotVerifyingInputStream.rkeZip(new ByteArrayInputStream(zip), NAME);
        byte[] buf = new byte[100_000];
        assertThat(in.read(buf)).isPositive();
        assertThat(in.result()).isEmpty();
        in.close();
        assertThat(in.result()).isEmpty();
        assertThatThrownBy(() -> in.read(buf)).isInstanceOf(IOException.class);
    }

    @Test
    void rejectsNamesThatAreNotBare() {
        InputStream in = new ByteArrayInputStream(new byte[0]);
        for (String bad : new String[] {"x.zip", "dir/x", "", " "}) {
            assertThatThrownBy(() -> SnapshotVerifyingInputStream.rkeZip(in, bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Builds the zip the way rke-tools does: Deflate, absolute entry names, epoch mtimes. */
    static byte[] rkeZip(byte[] db, boolean withState, String backupEntry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e = new ZipEntry(backupEntry);
            e.setTime(0);
            zip.putNextEntry(e);
            zip.write(db);
            zip.closeEntry();
            if (withState) {
                ZipEntry s = new ZipEntry("/etc/kubernetes/" + NAME + ".rkestate");
                s.setTime(0);
                zip.putNextEntry(s);
                zip.write("{\"desiredState\":{},\"currentState\":{}}".getBytes());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static SnapshotCheck check(byte[] data, SnapshotLayout layout) throws IOException {
        return SnapshotVerifyingInputStream.check(new ByteArrayInputStream(data), layout, NAME);
    }

    /** Reads with varying chunk sizes (1 byte up to maxChunk) to exercise every buffer boundary. */
    private static Copy copy(SnapshotVerifyingInputStream in, int maxChunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Random r = new Random(maxChunk);
        byte[] buf = new byte[maxChunk];
        try (in) {
            int n;
            while ((n = in.read(buf, 0, 1 + r.nextInt(maxChunk))) >= 0) {
                out.write(buf, 0, n);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
        return new Copy(out.toByteArray(), in.result().orElseThrow());
    }

    private record Copy(byte[] bytes, SnapshotCheck check) {
    }
}
