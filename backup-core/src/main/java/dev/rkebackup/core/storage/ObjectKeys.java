package dev.rkebackup.core.storage;

import dev.rkebackup.core.InvalidInputException;

/**
 * Rules for object keys, shared by every {@link ObjectStore}. A key is a relative, slash-separated path: no leading
 * {@code /}, no {@code .} or {@code ..} segments, no backslashes, no empty segments, no control characters.
 * These rules make a key safe to map onto a directory tree and keep a crafted manifest from escaping its set.
 */
public final class ObjectKeys {
    private ObjectKeys() {
    }

    /**
     * Checks a key and returns it unchanged.
     *
     * @param key the key to check
     * @return the same key
     * @throws InvalidInputException if the key breaks a rule; the message names the rule
     */
    public static String validate(String key) {
        String problem = problem(key, false);
        if (problem != null) {
            throw new InvalidInputException("invalid object key '" + printable(key) + "': " + problem);
        }
        return key;
    }

    /**
     * Checks a listing prefix: like a key, but it may be empty (everything) or end with {@code /}.
     *
     * @param prefix the prefix to check
     * @return the same prefix
     * @throws InvalidInputException if the prefix breaks a rule
     */
    public static String validatePrefix(String prefix) {
        if (prefix == null) {
            throw new InvalidInputException("invalid prefix: null; use \"\" to list everything");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        String problem = problem(body, true);
        if (problem != null) {
            throw new InvalidInputException("invalid prefix '" + printable(prefix) + "': " + problem);
        }
        return prefix;
    }

    /**
     * Joins non-empty parts with {@code /} and validates the result.
     *
     * @param parts key parts; empty parts are skipped, trailing slashes are removed
     * @return the joined key
     * @throws InvalidInputException if the result is not a valid key
     */
    public static String join(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (part == null || part.isEmpty()) {
                continue;
            }
            String p = part;
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(p);
        }
        return validate(sb.toString());
    }

    private static String problem(String key, boolean partial) {
        if (key == null) {
            return "key is null";
        }
        if (key.isEmpty()) {
            return partial ? "empty prefix segment" : "key is empty";
        }
        if (key.length() > 1024) {
            return "longer than 1024 characters";
        }
        if (key.startsWith("/")) {
            return "absolute paths are not allowed; remove the leading '/'";
        }
        if (key.indexOf('\\') >= 0) {
            return "backslashes are not allowed; use '/' between segments";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "control characters are not allowed";
            }
        }
        String[] segments = key.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return "empty segments ('//' or a trailing '/') are not allowed";
            }
            if (segment.equals("..")) {
                return "'..' segments are not allowed: a key must stay inside its store";
            }
            if (segment.equals(".")) {
                return "'.' segments are not allowed";
            }
        }
        return null;
    }

    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
