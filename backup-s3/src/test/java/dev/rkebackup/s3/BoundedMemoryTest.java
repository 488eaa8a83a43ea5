package dev.rkebackup.s3;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.rkebackup.s3.support.S3ProxyExtension;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.s3.support.BoundedMemoryTransfer;
import dev.rkebackup.s3.support.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 1 GiB object goes up (multipart, parallel parts) and comes back in a JVM limited to a 64 MiB heap, with the
 * store's default settings: upload memory is bounded however large the object is.
 */
@Timeout(180)
class BoundedMemoryTest {
    private static final long GIB = 1L << 30;
    @RegisterExtension
    static final S3ProxyExtension S3PROXY = new S3ProxyExtension();

    @Test
    void oneGibRoundTripsWithA64MibHeap() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), BoundedMemoryTransfer.class.getName(),
                S3PROXY.server().endpoint().toString(), Long.toString(GIB))).redirectErrorStream(true);
        pb.environment().put("S3_TEST_ACCESS_KEY", S3PROXY.server().accessKey());
        pb.environment().put("S3_TEST_SECRET_KEY", S3PROXY.server().secretKey());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(170, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(p.exitValue()).as("child exit; output:%n%s", out).isZero();
        String[] last = out.strip().lines().reduce((a, b) -> b).orElseThrow().split(" ");
        assertThat(last[0]).as("sha256 of what came back").isEqualTo(last[1]);
        assertThat(Long.parseLong(last[2])).isEqualTo(GIB);
        assertThat(Long.parseLong(last[3])).as("child max heap").isLessThanOrEqualTo(64L << 20);
        assertThat(S3PROXY.server().objectFile("bounded/one-gib.bin")).hasSize(GIB);
    }
}
