package dev.rkebackup.rke.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rkebackup.rke.exec.internal.LogrusParser;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LogrusParserTest {
    @Test
    void textFormWithQuotedEscapedMessage() {
        RkeOutputLine l = LogrusParser.parse("time=\"2021-06-03T11:48:44-04:00\" level=info msg=\"Container "
                + "[etcd-snapshot-once] is still running on host [10.0.0.1]: stderr: [time=\\\"x\\\" a\\n], "
                + "stdout: []\"", RkeOutputLine.Stream.STDOUT);
        assertThat(l.level()).isEqualTo(RkeLogLevel.INFO);
        assertThat(l.message()).isEqualTo("Container [etcd-snapshot-once] is still running on host [10.0.0.1]: "
                + "stderr: [time=\"x\" a\n], stdout: []");
        assertThat(l.stream()).isEqualTo(RkeOutputLine.Stream.STDOUT);
    }

    @Test
    void textFormWithBareMessageAndFields() {
        RkeOutputLine l = LogrusParser.parse("time=\"2021-06-03T11:48:44Z\" level=warning msg=done name=x",
                RkeOutputLine.Stream.STDERR);
        assertThat(l.level()).isEqualTo(RkeLogLevel.WARNING);
        assertThat(l.message()).isEqualTo("done");
    }

    @Test
    void formatBugLineKeepsItsText() {
        RkeOutputLine l = LogrusParser.parse("time=\"2022-08-01T10:00:00Z\" level=warning msg=\"[etcd] Failed to take "
                + "snapshot on %!s(int=2) etcd hosts\"", RkeOutputLine.Stream.STDOUT);
        assertThat(l.message()).isEqualTo("[etcd] Failed to take snapshot on %!s(int=2) etcd hosts");
    }

    @Test
    void ttyFormWithColoursAndPadding() {
        RkeOutputLine l = LogrusParser.parse("\u001b[33mWARN\u001b[0m[0012] Removing host [10.0.0.9] from node lists"
                + "          ", RkeOutputLine.Stream.STDOUT);
        assertThat(l.level()).isEqualTo(RkeLogLevel.WARNING);
        assertThat(l.message()).isEqualTo("Removing host [10.0.0.9] from node lists");
        assertThat(l.raw()).doesNotContain("\u001b");
        assertThat(LogrusParser.parse("\u001b[31mFATA\u001b[0m[0001] boom ", RkeOutputLine.Stream.STDOUT).level())
                .isEqualTo(RkeLogLevel.FATAL);
        assertThat(LogrusParser.parse("DEBU[0000] x", RkeOutputLine.Stream.STDOUT).level())
                .isEqualTo(RkeLogLevel.DEBUG);
    }

    @Test
    void nonLogLinesAreUnknown() {
        RkeOutputLine panic = LogrusParser.parse("panic: runtime error: invalid memory address",
                RkeOutputLine.Stream.STDERR);
        assertThat(panic.level()).isEqualTo(RkeLogLevel.UNKNOWN);
        assertThat(panic.message()).isEqualTo("panic: runtime error: invalid memory address");
        assertThat(LogrusParser.parse("", RkeOutputLine.Stream.STDOUT).level()).isEqualTo(RkeLogLevel.UNKNOWN);
        assertThat(LogrusParser.parse("time=\"x\" level=info msg=\"unterminated", RkeOutputLine.Stream.STDOUT)
                .message()).isEqualTo("unterminated");
    }

    @Test
    void goEscapes() {
        RkeOutputLine l = LogrusParser.parse("time=\"t\" level=error msg=\"a\\tb\\x41\\u00e9\\\\z\"",
                RkeOutputLine.Stream.STDOUT);
        assertThat(l.message()).isEqualTo("a\tbA\u00e9\\z");
        assertThat(l.level()).isEqualTo(RkeLogLevel.ERROR);
    }
}
