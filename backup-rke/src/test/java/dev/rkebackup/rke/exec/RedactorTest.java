package dev.rkebackup.rke.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.exec.internal.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RedactorTest {
    private static final String KEY = "wJalr\"XUtn\\FEMI/K7MDENG";
    private final Redactor redactor = Redactor.of(List.of(Secret.of(KEY), Secret.of("AKIAACCESS"), Secret.of("ab"),
            Secret.of("")));

    @Test
    void clearEscapedAndBase64FormsAreReplaced() {
        String b64 = Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8));
        String escaped = "wJalr\\\"XUtn\\\\FEMI/K7MDENG";
        String out = redactor.redact("k=" + KEY + " q=\"" + escaped + "\" b=" + b64 + " accesskey [AKIAACCESS] "
                + "s3-accessKey=" + Base64.getEncoder().encodeToString("AKIAACCESS".getBytes(StandardCharsets.UTF_8)));
        assertThat(out).doesNotContain("K7MDENG").doesNotContain(b64).doesNotContain("AKIAACCESS")
                .contains("accesskey [" + Secret.REDACTED + "]").contains("s3-accessKey=" + Secret.REDACTED);
    }

    @Test
    void veryShortSecretsAreNotRedactedEverywhere() {
        assertThat(redactor.redact("tab about")).isEqualTo("tab about");
        assertThat(Redactor.none().redact(KEY)).isEqualTo(KEY);
    }
}
