package dev.rkebackup.crypto;

import dev.rkebackup.core.crypto.OpenedManifest;
import dev.rkebackup.core.crypto.RepositoryCipher;
import dev.rkebackup.core.crypto.SetCipher;
import dev.rkebackup.crypto.internal.MasterKey;
import dev.rkebackup.crypto.internal.SealedManifests;
import java.time.Instant;

/**
 * An unlocked repository: the master key in memory, ready for {@code BackupRepository.Builder.cipher}. Immutable,
 * thread-safe; {@code toString} shows ids only.
 */
public final class UnlockedKey implements RepositoryCipher {
    private final String repositoryId;
    private final String keyId;
    private final String keyType;
    private final String scheme;
    private final MasterKey master;
    private final SealedManifests sets;

    UnlockedKey(String repositoryId, String keyId, String keyType, String scheme, int segmentSize, MasterKey master) {
        this.repositoryId = repositoryId;
        this.keyId = keyId;
        this.keyType = keyType;
        this.scheme = scheme;
        this.master = master;
        this.sets = new SealedManifests(master, repositoryId, segmentSize);
    }

    MasterKey master() {
        return master;
    }

    @Override
    public String repositoryId() {
        return repositoryId;
    }

    /**
     * The key object that unlocked the repository.
     *
     * @return its id
     */
    public String keyId() {
        return keyId;
    }

    /**
     * The type of the key that unlocked the repository.
     *
     * @return {@code password} or {@code age}
     */
    public String keyType() {
        return keyType;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public SetCipher newSet(String setId) {
        return sets.newSet(setId);
    }

    @Override
    public byte[] sealManifest(String setId, Instant createdAt, SetCipher set, byte[] manifestJson) {
        return sets.seal(setId, createdAt, set, manifestJson);
    }

    @Override
    public OpenedManifest openManifest(String setId, byte[] stored) {
        return sets.open(setId, stored);
    }

    @Override
    public String toString() {
        return "UnlockedKey[repository=" + repositoryId + ", key=" + keyId + " (" + keyType + "), " + scheme + "]";
    }
}
