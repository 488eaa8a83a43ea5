package dev.rkebackup.rke.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class InternalsTest {

    @ParameterizedTest
    @CsvSource({"6h0s,21600", "5m0s,300", "24h,86400", "72h,259200", "1h30m,5400", "1.5h,5400", "0,0",
        "300ms,0", "90s,90", "2h45m30s,9930"})
    void goDurations(String text, long seconds) {
        assertThat(GoDuration.parse(text)).hasValueSatisfying(d -> assertThat(d.toSeconds()).isEqualTo(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"24", "3d", "1w", "", " 6h", "h", "6 h", "6hours", "1h-30m", "--1h"})
    void notGoDurations(String text) {
        assertThat(GoDuration.parse(text)).isEmpty();
    }

    @Test
    void goDurationFormat() {
        assertThat(GoDuration.format(Duration.ofHours(12))).isEqualTo("12h0m0s");
        assertThat(GoDuration.format(Duration.ofMinutes(5))).isEqualTo("5m0s");
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoDuration.parse("-2h")).contains(Duration.ofHours(-2));
    }

    @Test
    void diffOfLocalChangeHasContextAndRanges() {
        String before = "a\nb\nc\nd\ne\nf\ng\nh\n";
        String after = "a\nb\nc\nd\nE\nf\ng\nh\nnew\n";
        assertThat(UnifiedDiff.diff("a/x", "b/x", before, after)).isEqualTo("""
                --- a/x
                +++ b/x
                @@ -2,7 +2,8 @@
                 b
                 c
                 d
                -e
                +E
                 f
                 g
                 h
                +new
                """);
        assertThat(UnifiedDiff.diff("a", "b", before, before)).isEmpty();
    }

    @Test
    void diffSeparatesDistantHunks() {
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            a.append("line").append(i).append('\n');
        }
        String b = a.toString().replace("line2\n", "LINE2\n").replace("line25\n", "");
        String diff = UnifiedDiff.diff("a", "b", a.toString(), b);
        assertThat(diff.lines().filter(l -> l.startsWith("@@"))).containsExactly("@@ -1,6 +1,6 @@",
                "@@ -23,7 +23,6 @@");
    }

    @Test
    void diffFromEmptyAndToEmpty() {
        assertThat(UnifiedDiff.diff("a", "b", "", "x\n")).contains("@@ -0,0 +1 @@\n+x\n");
        assertThat(UnifiedDiff.diff("a", "b", "x\n", "")).contains("@@ -1 +0,0 @@\n-x\n");
    }

    @Test
    void sourceTextMapsCodePointColumnsToOffsets() {
        SourceText t = SourceText.of("a: 😀x\r\nb: c\n", "t");
        assertThat(t.lineCount()).isEqualTo(3);
        assertThat(t.line(0)).isEqualTo("a: 😀x");
        assertThat(t.offset(0, 4)).isEqualTo(5); // the emoji is two chars but one code point
        assertThat(t.lineSeparator()).isEqualTo("\r\n");
        assertThat(t.lineOf(t.lineStart(1) + 1)).isEqualTo(1);
        SourceText bom = SourceText.decode("\uFEFFa: b\n".getBytes(StandardCharsets.UTF_8), "b");
        assertThat(bom.hasBom()).isTrue();
        assertThat(bom.text()).isEqualTo("a: b\n");
        assertThat(bom.bytes()).isEqualTo("\uFEFFa: b\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void renderingRoundTripsThroughYaml() {
        for (String v : List.of("plain", "yes", "no", "~", "null", "12", "0x1F", "1.5", "a: b", "a #b", "#x",
                "-x", "- x", "x:", "@at", "'q'", "\"dq\"", "tab\there", "line1\nline2\n", "trail\n\n", "é ü",
                " lead", "", "s3.amazonaws.com", "minio:9000", "[x]", "{x}", "*alias", "&anchor", "!tag", "%", "`",
                "-", "--", "-1", "-x", "a:b", "?", "? x", "|", ">", "=",
                "a \nb", "a\n \nb", "a\n\n\n", "\n", "x\n#y\n- z\n")) {
            RenderedScalar r = RenderedScalar.of(v);
            String yaml = r.asEntry("k", 0, 2, "\n");
            var node = SafeYaml.toJson(SourceText.of(yaml, "t"), SafeYaml.compose(SourceText.of(yaml, "t"))
                    .orElseThrow());
            assertThat(node.get("k").isTextual()).as("type of %s rendered as %s", v, yaml).isTrue();
            assertThat(node.get("k").asText()).as("value of %s rendered as %s", v, yaml).isEqualTo(v);
        }
    }
}
