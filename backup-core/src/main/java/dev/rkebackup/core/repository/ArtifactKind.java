package dev.rkebackup.core.repository;

import java.util.Objects;

/**
 * What an artifact in a backup set is: an open value type, identified by its {@link #id()}, which is what manifests
 * and JSON output carry. The core defines only {@link #OTHER}; the module that knows a kind of artifact defines its
 * constant (backup-rke's {@code RkeArtifacts}, for example). A manifest written by a newer version with
 * a kind this version has never heard of still reads: the kind is kept as its id.
 *
 * <pre>{@code
 * public static final ArtifactKind AUDIT_LOG = ArtifactKind.of("audit-log");
 * }</pre>
 *
 * <p>Compare kinds with {@link #equals}; two kinds are equal when their ids are.
 *
 * @param id the stable identifier, such as {@code etcd-snapshot}: 1 to 64 characters of lower-case letters, digits,
 *     {@code -}, {@code .} and {@code _}
 */
public record ArtifactKind(String id) {
    /** Anything without a kind of its own. */
    public static final ArtifactKind OTHER = new ArtifactKind("other");

    /** Validates the identifier. */
    public ArtifactKind {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty() || id.length() > 64 || !id.chars().allMatch(ArtifactKind::allowed)) {
            throw new IllegalArgumentException("invalid artifact kind '" + id + "': use 1 to 64 lower-case"
                    + " letters, digits, '-', '.' or '_'");
        }
    }

    private static boolean allowed(int c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_';
    }

    /**
     * The kind with an identifier.
     *
     * @param id the identifier, such as {@code etcd-snapshot}
     * @return the kind
     * @throws IllegalArgumentException if the identifier is not valid
     */
    public static ArtifactKind of(String id) {
        return OTHER.id.equals(id) ? OTHER : new ArtifactKind(id);
    }

    /**
     * Looks up a kind by {@link #id()}.
     *
     * @param id the identifier
     * @return the kind
     * @deprecated kinds are open now: use {@link #of(String)}, which accepts every valid id
     */
    @Deprecated
    public static ArtifactKind fromId(String id) {
        return of(id);
    }

    /** Returns the identifier, as manifests and JSON carry it. */
    @Override
    public String toString() {
        return id;
    }
}
