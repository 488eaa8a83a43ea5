package dev.rkebackup.rke.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Test helper: finds a secret (clear or base64) in files (zip entries included) and captures System.err. */
final class SecretScan {
    private SecretScan() {
    }

    static List<String> forms(String secret) {
        byte[] b = secret.getBytes(StandardCharsets.UTF_8);
        return List.of(secret, Base64.getEncoder().encodeToString(b),
                Base64.getEncoder().withoutPadding().encodeToString(b));
    }

    /** Returns "file[:entry]" for every place under root that holds the secret in any form. */
    static List<String> filesContaining(Path root, String secret) throws IOException {
        List<String> hits = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                if (contains(Files.readAllBytes(p), secret)) {
                    hits.add(p.toString());
                }
                if (p.getFileName().toString().endsWith(".zip")) {
                    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(p))) {
                        for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                            if (contains(in.readAllBytes(), secret)) {
                                hits.add(p + ":" + e.getName());
                            }
                        }
                    }
                }
            }
        }
        return hits;
    }

    static boolean contains(byte[] data, String secret) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        return forms(secret).stream().anyMatch(f -> text.contains(
                new String(f.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
    }

    static boolean contains(String text, String secret) {
        return forms(secret).stream().anyMatch(text::contains);
    }

    /** Runs the action with System.err teed into a buffer (slf4j-simple writes there) and returns what was written. */
    static String captureStderr(ThrowingRunnable action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream tee = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                buffer.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buffer.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8)) {
            System.setErr(tee);
            action.run();
        } finally {
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
