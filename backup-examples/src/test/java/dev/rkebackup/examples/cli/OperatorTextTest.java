package dev.rkebackup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rkebackup.rke.backup.IncompleteBackupException;
import dev.rkebackup.rke.exec.RkeBinary;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Library messages that name Java API come out in CLI words. */
class OperatorTextTest {
    /** {@code Type.method(}, {@code method(..)}, {@code method(true)}, or a bare camelCase builder option. */
    private static final Pattern JAVA = Pattern.compile("[A-Z]\\w+\\.[a-z]\\w*\\(|\\b[a-z]+[A-Z]\\w*\\((\\.\\.|true"
            + "|false|path)?\\)|\\ballowIncomplete\\b");

    @Test
    void realLibraryMessagesAreMappedToFlags() {
        String incomplete = new IncompleteBackupException(List.of("cluster state file x (no such file)"))
                .getMessage();
        String noRke = catchThrowable(() -> RkeBinary.onPath("/nonexistent-dir")).getMessage();
        assertThat(incomplete).containsPattern(JAVA);
        assertThat(noRke).containsPattern(JAVA);
        assertThat(OperatorText.of(incomplete)).doesNotContainPattern(JAVA).contains("(--allow-incomplete)");
        assertThat(OperatorText.of(noRke)).doesNotContainPattern(JAVA).contains("--rke PATH");
    }

    @Test
    void s3TlsAdviceNamesTheUriOption() {
        // the text of backup-s3's S3Errors for a TLS failure without a custom CA
        String tls = "x failed: the TLS connection to https://h could not be established (SSLHandshakeException: y); "
                + "if the server's certificate comes from a private CA, pass that CA with customCaPem(..) or"
                + " customCaFile(..) (ca-file= in the s3:// URI, custom_ca in RKE's s3backupconfig)"
                + "; insecureSkipTlsVerify(true) is for tests only";
        assertThat(OperatorText.of(tls)).doesNotContainPattern(JAVA).contains("ca-file=/path/ca.pem")
                .contains("insecure-skip-tls-verify=true");
    }
}
