package dev.rkebackup.rke.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.RkeVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged variants of every corpus config (seeded, so failures reproduce): parsing, inspecting and editing either
 * work or fail with an {@link InvalidInputException}; never with another exception type.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MutationFuzzTest {
    private static final String[] JUNK = {":", "- ", "[", "]", "{", "}", "\"", "'", "&a ", "*a", "\t", "#", "|",
        ">", "? ", "!!int ", "~", "<<: *a", "---", "...", "%YAML 1.1", " ", "  ", "\u00e9", "\u0000", "@"};

    static List<String> files() {
        return CorpusTest.corpus().map(CorpusTest.Expect::file).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void damagedConfigsFailCleanlyOrWork(String file) throws IOException {
        String original = Files.readString(CorpusTest.resource(file));
        Random random = new Random(file.hashCode());
        int parsed = 0;
        for (int round = 0; round < 20; round++) {
            String mutated = mutate(original, random);
            try {
                ClusterConfig c = ClusterConfig.parse(mutated, "fuzz.yml");
                parsed++;
                ConfigInspector.inspect(c, RkeVersion.parse("v1.3.20")).toJson();
                ConfigInspector.inspect(c).toText();
                ConfigEditor.of(c).withS3(S3BackupConfig.builder().bucketName("b").endpoint("e")
                        .secretKey(Secret.of("k")).build()).diff();
                ConfigEditor.of(c).enableRecurringSnapshots(RkeVersion.parse("v1.6.6"));
                ConfigEditor.of(c).enableRecurringSnapshots(RkeVersion.parse("v0.1.9")).diff();
                ConfigEditor.of(c).migrateToBackupConfig(RkeVersion.parse("v1.2.8")).diff();
            } catch (InvalidInputException expected) {
                assertThat(expected.getMessage()).startsWith("fuzz.yml").doesNotContain("null");
            } catch (RuntimeException | StackOverflowError e) {
                fail("unexpected " + e + " for:\n" + mutated, e);
            }
        }
        assertThat(parsed).as("some variants must still parse").isPositive();
    }

    private static String mutate(String text, Random random) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int i = random.nextInt(lines.size());
            String line = lines.get(i);
            switch (random.nextInt(6)) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(i, line);
                case 2 -> lines.set(i, "  " + line);
                case 3 -> lines.set(i, line.stripLeading());
                case 4 -> {
                    int at = line.isEmpty() ? 0 : random.nextInt(line.length() + 1);
                    lines.set(i, line.substring(0, at) + JUNK[random.nextInt(JUNK.length)] + line.substring(at));
                }
                default -> {
                    int at = line.isEmpty() ? 0 : random.nextInt(line.length());
                    lines.set(i, line.substring(0, at));
                }
            }
        }
        return String.join("\n", lines);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void anyS3ValuesRoundTripThroughTheEdit(String file) throws IOException {
        ClusterConfig config = ClusterConfig.load(CorpusTest.resource(file));
        Random random = new Random(file.hashCode() ^ 0x5EED);
        S3BackupConfig previous = null;
        ClusterConfig current = config;
        for (int round = 0; round < 8; round++) {
            S3BackupConfig s3 = randomS3(random);
            // withS3 checks its own result and throws IllegalStateException if it does not read back as s3
            ConfigEditor edit = ConfigEditor.of(current).withS3(s3);
            assertThat(edit.edited().etcd().backupConfig().orElseThrow().s3()).contains(s3);
            assertThat(ConfigEditor.of(edit.edited()).withS3(s3).isChanged()).isFalse();
            if (previous != null) {
                // changing values and back reads back as before (checked by withS3) and leaves the text before
                // the S3 section alone (a removed and re-added field loses its line comment, so not all of it)
                String back = ConfigEditor.of(edit.edited()).withS3(previous).text();
                assertThat(back.substring(0, back.indexOf("s3backupconfig:")))
                        .isEqualTo(current.text().substring(0, current.text().indexOf("s3backupconfig:")));
            }
            previous = s3;
            current = edit.edited();
        }
    }

    private static S3BackupConfig randomS3(Random random) {
        S3BackupConfig.Builder b = S3BackupConfig.builder().bucketName(randomText(random))
                .endpoint(randomText(random));
        if (random.nextBoolean()) {
            b.secretKey(Secret.of(randomText(random))).accessKey(Secret.of(randomText(random)));
        }
        if (random.nextBoolean()) {
            b.customCa(randomText(random) + "\n" + randomText(random) + (random.nextBoolean() ? "\n" : "")
                    + (random.nextInt(4) == 0 ? "\n\n" : ""));
        }
        if (random.nextBoolean()) {
            b.folder(randomText(random));
        }
        return b.build();
    }

    private static String randomText(Random random) {
        String alphabet = "abcXYZ019 -_.:/#'\"\\@&*!%{}[],?|>~\t\u00e9\u4e2d\ud83d\ude00";
        StringBuilder sb = new StringBuilder();
        int length = 1 + random.nextInt(12);
        while (sb.length() < length) {
            int at = random.nextInt(alphabet.length());
            char c = alphabet.charAt(at);
            if (Character.isHighSurrogate(c)) {
                sb.append(c).append(alphabet.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
