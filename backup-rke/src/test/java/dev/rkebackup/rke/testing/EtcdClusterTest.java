package dev.rkebackup.rke.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdClusterTest {
    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.builder().members(3).build();

    @TempDir
    Path tmp;

    @Test
    void threeMembersOnLoopbackLoadKeysAndSnapshot() throws IOException {
        assertThat(ETCD.clientEndpoints()).hasSize(3).allMatch(u -> u.startsWith("http://127.0.0.1:"));
        ETCD.loadKeys("/registry/t1/", 2_000, 1_024);
        assertThat(ETCD.keyCount("/registry/t1/")).isEqualTo(2_000);

        Path snap = ETCD.snapshot(2, tmp.resolve("s.db"));
        long size = Files.size(snap);
        assertThat(size).isGreaterThan(2_000L * 1_024);
        assertThat(size % 4096).as("etcd API snapshots end with a 32-byte sha256 trailer").isEqualTo(32);
        EtcdCluster.SnapshotInfo info = ETCD.snapshotInfo(snap);
        assertThat(info.totalSize()).isEqualTo(size - 32);
        assertThat(info.totalKey()).isGreaterThanOrEqualTo(2_000);
        assertThat(info.revision()).isPositive();
        try (InputStream in = Files.newInputStream(snap)) {
            byte[] head = in.readNBytes(20);
            assertThat(new byte[] {head[16], head[17], head[18], head[19]})
                    .containsExactly(0xed, 0xda, 0x0c, 0xed);
        }
    }

    @Test
    void closeKillsEveryMemberAndDeletesData() throws Exception {
        EtcdCluster one = EtcdCluster.start(1);
        URI endpoint = URI.create(one.clientEndpoint(0));
        Path root = one.root();
        one.put("k", "v");
        assertThat(one.keyCount("k")).isEqualTo(1);
        one.close();
        assertThat(root).doesNotExist();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", endpoint.getPort()), 500);
            }
        }).isInstanceOf(IOException.class);
        assertThatThrownBy(one::clientEndpoints).hasMessageContaining("not running");
        one.close();
    }

    @Test
    void aMissingBinaryFailsWithTheDebianPackageToInstall() {
        assertThatThrownBy(() -> Binaries.require("etcd-not-installed-here", "etcd-server"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apt-get install -y etcd-server").hasMessageContaining("never skip");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> EtcdCluster.builder().members(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ETCD.loadKeys("/x/", 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(List.of(ETCD.size())).containsExactly(3);
    }
}
