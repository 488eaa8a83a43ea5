package dev.rkebackup.rke.exec.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The environment {@code rke} runs with: an allowlist of what it needs (locating programs and the home directory for
 * {@code ~/.ssh}, the SSH agent, locale and time zone, temporary directory, proxies for bastion hosts), nothing
 * else. Credentials such as {@code AWS_SECRET_ACCESS_KEY}, tokens and passwords are never passed: rke reads its S3
 * keys only from the private config copy or its flags (rke-facts 3.3). A proxy URL with a user name or password is
 * dropped too. Stateless.
 */
public final class ChildEnvironment {
    private static final Set<String> ALLOWED = Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE",
            "TZ", "TMPDIR", "TERM", "SSH_AUTH_SOCK", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy",
            "https_proxy", "no_proxy");
    private static final Pattern LOCALE = Pattern.compile("LC_[A-Z_]+");
    private static final Set<String> PROXIES = Set.of("http_proxy", "https_proxy");

    private ChildEnvironment() {
    }

    /**
     * Keeps only the allowed variables.
     *
     * @param environment the parent's environment (or one built by a caller)
     * @return the variables rke may see
     */
    public static Map<String, String> filter(Map<String, String> environment) {
        Map<String, String> out = new TreeMap<>();
        environment.forEach((k, v) -> {
            if ((ALLOWED.contains(k) || LOCALE.matcher(k).matches()) && !proxyWithCredentials(k, v)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static boolean proxyWithCredentials(String name, String value) {
        if (!PROXIES.contains(name.toLowerCase(Locale.ROOT))) {
            return false;
        }
        try {
            return URI.create(value.contains("://") ? value : "http://" + value).getRawUserInfo() != null;
        } catch (IllegalArgumentException e) {
            return value.contains("@");
        }
    }
}
