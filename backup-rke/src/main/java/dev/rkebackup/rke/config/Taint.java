package dev.rkebackup.rke.config;

import java.util.Objects;

/**
 * A node taint from {@code nodes[].taints} (RKE v0.3.0+).
 *
 * @param key taint key, not empty
 * @param value taint value, may be empty
 * @param effect {@code NoSchedule}, {@code PreferNoSchedule} or {@code NoExecute}; empty when not given
 */
public record Taint(String key, String value, String effect) {
    /** Validates the fields. */
    public Taint {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(effect, "effect");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("taint key must not be empty");
        }
    }
}
