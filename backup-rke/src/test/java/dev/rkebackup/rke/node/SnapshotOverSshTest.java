package dev.rkebackup.rke.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.node.testing.SshNodes;
import dev.rkebackup.rke.snapshot.SnapshotCheck;
import dev.rkebackup.rke.snapshot.SnapshotVerdict;
import dev.rkebackup.rke.snapshot.SnapshotVerifyingInputStream;
import dev.rkebackup.rke.testing.EtcdCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The way a collector combines {@link NodeAccess} and the snapshot check: a real etcd snapshot in RKE's zip layout on
 * three SSH nodes (one damaged copy, one missing, one good), each streamed once and checked on the way; plus a check
 * that key material never reaches logs or messages.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SnapshotOverSshTest {
    private static final String NAME = "rke_etcd_snapshot_test";
    private static final String PATH = "/opt/rke/etcd-snapshots/" + NAME + ".zip";

    @TempDir
    Path dir;

    @Test
    void firstIntactCopyWinsAndDamagedOrMissingCopiesAreReportedPerNode() throws Exception {
        byte[] db;
        try (EtcdCluster etcd = EtcdCluster.start(1)) {
            etcd.loadKeys("/registry/test/", 20, 20_000);
            db = Files.readAllBytes(etcd.snapshot(dir.resolve("snap.db")));
        }
        byte[] good = zip(db);
        byte[] flipped = db.clone();
        flipped[flipped.length / 2] ^= 0x08;
        try (SshNodes nodes = SshNodes.start(dir.resolve("nodes"), 3, SshNodes.KeyType.ED25519)) {
            nodes.node(0).writeFile(PATH, zip(flipped));
            nodes.node(2).writeFile(PATH, good);
            List<String> report = new ArrayList<>();
            byte[] stored = null;
            for (int i = 0; i < 3 && stored == null; i++) {
                try (NodeAccess node = SshNodeAccess.connect(nodes.endpoint(i).build())) {
                    Optional<RemoteFile> f = node.stat(PATH);
                    if (f.isEmpty()) {
                        report.add(i + ":missing");
                        continue;
                    }
                    ByteArrayOutputStream sink = new ByteArrayOutputStream();
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    SnapshotCheck check;
                    try (InputStream raw = node.openRead(PATH);
                         SnapshotVerifyingInputStream in = SnapshotVerifyingInputStream.rkeZip(raw, NAME);
                         OutputStream out = new DigestOutputStream(sink, sha)) {
                        in.transferTo(out);
                        check = in.result().orElseThrow();
                    }
                    report.add(i + ":" + check.verdict());
                    if (check.ok()) {
                        assertThat(check.stateEntryPresent()).isTrue();
                        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(node.sha256(PATH));
                        stored = sink.toByteArray();
                    }
                }
            }
            assertThat(report).containsExactly("0:" + SnapshotVerdict.TRAILER_MISMATCH, "1:missing",
                    "2:" + SnapshotVerdict.OK);
            assertThat(stored).isEqualTo(good);
        }
    }

    @Test
    void keyMaterialNeverReachesLogsOrMessages() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (SshNodes nodes = SshNodes.start(dir.resolve("secret-nodes"), 1, SshNodes.KeyType.ED25519)) {
            String key = Files.readString(nodes.userKey());
            String keyBody = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
            Path otherKey = SshNodes.generateUserKey(dir.resolve("other"), SshNodes.KeyType.ED25519, "");
            String other = Files.readString(otherKey);
            String otherBody = other.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            List<String> messages = new ArrayList<>();
            try {
                try (NodeAccess node = SshNodeAccess.connect(nodes.endpoint(0).key(SshKey.inline(Secret.of(key)))
                        .hostKeys(HostKeyPolicy.insecureAcceptAny()).build())) {
                    messages.add(node.describe());
                    messages.add(((SshNodeAccess) node).endpoint().toString());
                }
                try {
                    SshNodeAccess.connect(nodes.endpoint(0).key(SshKey.inline(Secret.of(other))).build()).close();
                } catch (NodeAccessException e) {
                    messages.add(e.getMessage());
                    messages.add(String.valueOf(e.getCause()));
                }
                try {
                    SshNodeAccess.connect(nodes.endpoint(0).key(SshKey.inline(Secret.of("garbage " + otherBody)))
                            .build()).close();
                } catch (RuntimeException e) {
                    messages.add(e.getMessage());
                }
            } finally {
                System.setErr(original);
            }
            String logs = captured.toString(StandardCharsets.UTF_8);
            assertThat(logs).as("the capture works").contains("host key check is DISABLED");
            assertThat(messages).hasSize(5);
            for (String text : List.of(logs, String.join("\n", messages))) {
                assertThat(text).doesNotContain(keyBody).doesNotContain(otherBody)
                        .doesNotContain(otherBody.substring(0, 20));
            }
        }
    }

    /** RKE's zip layout: Deflate, absolute entry names, state entry. */
    private static byte[] zip(byte[] db) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("/backup/" + NAME));
            z.write(db);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("/etc/kubernetes/" + NAME + ".rkestate"));
            z.write("{\"desiredState\":{}}".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return out.toByteArray();
    }
}
