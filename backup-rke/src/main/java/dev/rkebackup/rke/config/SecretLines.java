package dev.rkebackup.rke.config;

import dev.rkebackup.core.Secret;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks secret values in YAML text meant for display (diffs). Stateless. */
final class SecretLines {
    private static final Pattern SECRET_LINE = Pattern.compile(
            "(?m)^([-+ ]?\\s*(?:- )?(?:access_key|secret_key|ssh_key)\\s*:\\s*)(\\S.*)$");

    private SecretLines() {
    }

    static String redact(String text) {
        Matcher m = SECRET_LINE.matcher(text);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + Secret.REDACTED));
    }
}
