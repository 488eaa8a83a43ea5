package dev.rkebackup.rke.exec.internal;

import dev.rkebackup.core.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces secrets in text by {@link Secret#REDACTED}. Each secret is matched as printed in clear, as logrus
 * escapes it inside a quoted value, and base64-encoded (RKE v1.1.19+/v1.2.8+ hand S3 keys to rke-tools in base64,
 * and rke-tools logs them). Immutable and thread-safe.
 */
public final class Redactor {
    /** Shorter values are not redacted: replacing every "a" would destroy the output and protect nothing. */
    private static final int MIN_LENGTH = 3;
    private final List<String> needles;

    private Redactor(List<String> needles) {
        this.needles = needles;
    }

    /**
     * Builds a redactor for the given secrets; empty secrets are ignored.
     *
     * @param secrets the values to hide (S3 secret key, access key, ...)
     * @return the redactor
     */
    public static Redactor of(List<Secret> secrets) {
        Set<String> all = new LinkedHashSet<>();
        for (Secret s : secrets) {
            String v = s.reveal();
            if (v.length() < MIN_LENGTH) {
                continue;
            }
            all.add(v);
            all.add(goEscaped(v));
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            all.add(Base64.getEncoder().encodeToString(bytes));
            all.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
            all.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed()); // longest first: no partial leftovers
        return new Redactor(List.copyOf(sorted));
    }

    /**
     * Returns a redactor that hides nothing.
     *
     * @return an empty redactor
     */
    public static Redactor none() {
        return new Redactor(List.of());
    }

    /**
     * Replaces every known secret in {@code text}.
     *
     * @param text any text
     * @return the text with secrets replaced
     */
    public String redact(String text) {
        String out = text;
        for (String n : needles) {
            if (out.contains(n)) {
                out = out.replace(n, Secret.REDACTED);
            }
        }
        return out;
    }

    /** Go's {@code %q} escaping of the characters that change inside a quoted logrus value. */
    private static String goEscaped(String v) {
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
