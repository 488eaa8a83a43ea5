package dev.rkebackup.crypto;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.ObjectNotFoundException;
import dev.rkebackup.core.Secret;
import dev.rkebackup.core.StorageException;
import dev.rkebackup.core.crypto.KeyRequiredException;
import dev.rkebackup.core.crypto.RepositoryCipher;
import dev.rkebackup.core.repository.BackupRepository;
import dev.rkebackup.core.storage.ObjectInfo;
import dev.rkebackup.core.storage.ObjectKeys;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.crypto.internal.Bytes;
import dev.rkebackup.crypto.internal.Formats;
import dev.rkebackup.crypto.internal.MasterKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of an encrypted repository in a store: {@link #init} creates the repository (config object and one key
 * object per key-encryption key), {@link #unlock} opens it, and {@link #add}, {@link #remove} and
 * {@link #changePassword} change its key-encryption keys by re-wrapping the master key only: no set is rewritten.
 *
 * <p>Layout under the repository prefix: {@value RepositoryCipher#CONFIG_NAME}, {@code keys/<id>.json} (password
 * keys) and {@code keys/<id>.age} (age keys). Thread-safe; holds no secret itself.
 */
public final class RepositoryKeys {
    /** Default Tink ciphertext segment size: 4 KiB, chosen by measurement (cold one-shot runs; see the docs). */
    public static final int DEFAULT_SEGMENT_SIZE = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryKeys.class);
    private static final String KEYS = "keys";

    private final ObjectStore store;
    private final String prefix;
    private final Clock clock;

    private RepositoryKeys(ObjectStore store, String prefix, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.clock = clock;
    }

    /**
     * The keys of the repository at the store's root.
     *
     * @param store the store; not closed by this object
     * @return the keys
     */
    public static RepositoryKeys of(ObjectStore store) {
        return of(store, "");
    }

    /**
     * The keys of the repository under a prefix.
     *
     * @param store the store; not closed by this object
     * @param prefix the repository prefix, as given to {@code BackupRepository.Builder.prefix}
     * @return the keys
     */
    public static RepositoryKeys of(ObjectStore store, String prefix) {
        String p = prefix;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.isEmpty()) {
            ObjectKeys.validate(p);
        }
        return new RepositoryKeys(store, p, Clock.systemUTC());
    }

    /**
     * Whether the store holds an encrypted repository under the prefix.
     *
     * @return true if the repository config exists
     */
    public boolean exists() {
        return store.stat(configKey()).isPresent();
    }

    /**
     * A repository builder for this store and prefix with the unlocked key set.
     *
     * @param key the unlocked key
     * @return the builder
     */
    public BackupRepository.Builder repository(UnlockedKey key) {
        return BackupRepository.builder(store).prefix(prefix).cipher(key);
    }

    /**
     * Creates an encrypted repository with the default segment size.
     *
     * @param keks at least one key-encryption key
     * @return the unlocked repository (unlocked by the first KEK)
     * @throws InvalidInputException if there is no KEK, or the store already holds a repository or any object
     */
    public UnlockedKey init(List<KeyEncryptionKey> keks) {
        return init(keks, DEFAULT_SEGMENT_SIZE);
    }

    /**
     * Creates an encrypted repository: a random master key, one key object per KEK, then the config object, last.
     *
     * @param keks at least one key-encryption key
     * @param segmentSize Tink ciphertext segment size in bytes (4096 or 1048576 are the usual ones)
     * @return the unlocked repository (unlocked by the first KEK)
     * @throws InvalidInputException if there is no KEK, or the store already holds a repository or any object
     */
    public UnlockedKey init(List<KeyEncryptionKey> keks, int segmentSize) {
        if (keks.isEmpty()) {
            throw new InvalidInputException("an encrypted repository needs at least one key: a password or an age"
                    + " recipient");
        }
        if (segmentSize < 256 || segmentSize > (8 << 20)) {
            throw new InvalidInputException("segment size " + segmentSize + " is out of range (256 B to 8 MiB)");
        }
        if (exists()) {
            throw new InvalidInputException(store.describe() + " already holds an encrypted repository; add keys"
                    + " to it (rke-backup key add) instead of initialising it again");
        }
        List<ObjectInfo> existing = store.list(prefix.isEmpty() ? "" : prefix + "/");
        if (!existing.isEmpty()) {
            throw new InvalidInputException(store.describe() + " is not empty (" + existing.size() + " objects, such"
                    + " as " + existing.get(0).key() + "); initialise an encrypted repository in an empty store or"
                    + " prefix: plaintext sets cannot be part of an encrypted repository");
        }
        String repositoryId = Bytes.randomHex(16);
        MasterKey master = MasterKey.generate(repositoryId);
        Instant now = clock.instant();
        List<String> written = new ArrayList<>();
        String firstId = null;
        String firstType = null;
        try {
            for (KeyEncryptionKey kek : keks) {
                String id = Bytes.randomHex(8);
                written.add(writeKey(repositoryId, id, now, kek, master));
                if (firstId == null) {
                    firstId = id;
                    firstType = typeOf(kek);
                }
            }
            byte[] config = Formats.writeConfig(repositoryId, now, segmentSize, master);
            store.put(configKey(), new ByteArrayInputStream(config), config.length);
        } catch (RuntimeException e) {
            try {
                store.delete(written);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        LOG.info("initialised encrypted repository {} in {} with {} keys", repositoryId, store.describe(),
                keks.size());
        return new UnlockedKey(repositoryId, firstId, firstType, schemeName(segmentSize), segmentSize, master);
    }

    private static String schemeName(int segmentSize) {
        return new Formats.Config("", "", segmentSize, new byte[0]).scheme();
    }

    /**
     * Unlocks the repository.
     *
     * @param credential a password or an age identity
     * @return the unlocked key
     * @throws KeyRequiredException if the store holds no encrypted repository
     * @throws InvalidInputException if the credential matches no key (wrong password, other identity)
     * @throws IntegrityException if the config or every candidate key object is damaged, foreign or tampered with
     */
    public UnlockedKey unlock(Credential credential) {
        Objects.requireNonNull(credential, "credential");
        Formats.Config config = readConfig();
        List<String> problems = new ArrayList<>();
        int candidates = 0;
        boolean password = credential instanceof Credential.Password;
        for (ObjectInfo o : keyObjects()) {
            String name = o.key().substring(o.key().lastIndexOf('/') + 1);
            boolean isPassword = name.endsWith(".json");
            if (isPassword != password) {
                continue;
            }
            String id = name.substring(0, name.lastIndexOf('.'));
            try {
                byte[] mk;
                if (credential instanceof Credential.Password p) {
                    Formats.PasswordKey k = Formats.readPasswordKey(read(o.key()), o.key(), id);
                    requireSameRepository(k.repositoryId(), config, o.key());
                    candidates++;
                    try {
                        mk = k.unwrap(p.password());
                    } catch (java.security.GeneralSecurityException e) {
                        continue;
                    }
                } else {
                    Credential.AgeIdentity a = (Credential.AgeIdentity) credential;
                    candidates++;
                    Formats.AgeKey k = Formats.readAgeKey(read(o.key()), o.key(), id, a.identityFile());
                    if (k == null) {
                        continue;
                    }
                    requireSameRepository(k.repositoryId(), config, o.key());
                    mk = k.master();
                }
                MasterKey master = MasterKey.ofStored(mk, config.repositoryId());
                java.util.Arrays.fill(mk, (byte) 0);
                Formats.authenticate(config, master, configKey());
                LOG.info("unlocked encrypted repository {} with key {}", config.repositoryId(), id);
                return new UnlockedKey(config.repositoryId(), id, isPassword ? "password" : "age", config.scheme(),
                        config.segmentSize(), master);
            } catch (IntegrityException e) {
                if (e instanceof dev.rkebackup.core.crypto.AuthenticationException) {
                    throw e;
                }
                problems.add(e.getMessage());
            }
        }
        String damaged = problems.isEmpty() ? "" : " Unusable key objects: " + String.join("; ", problems);
        if (candidates == 0 && !problems.isEmpty()) {
            throw new IntegrityException("no usable " + (password ? "password" : "age") + " key in "
                    + store.describe() + "." + damaged);
        }
        if (candidates == 0) {
            throw new InvalidInputException("the repository in " + store.describe() + " has no "
                    + (password ? "password key; unlock it with an age identity (--age-identity F)"
                    : "age key; unlock it with a password (--password-file F, RKE_BACKUP_PASSWORD_FILE or"
                    + " RKE_BACKUP_PASSWORD)"));
        }
        throw new InvalidInputException(password
                ? "wrong password: no key of the repository in " + store.describe() + " matches it; check the"
                        + " password file or variable, or unlock with an age identity (--age-identity F)." + damaged
                : "the age identity matches no key of the repository in " + store.describe() + "; give the"
                        + " identity whose recipient was added (age-keygen -y shows it), or a password." + damaged);
    }

    private void requireSameRepository(String keyRepository, Formats.Config config, String where) {
        if (!keyRepository.equals(config.repositoryId())) {
            throw new IntegrityException("key object " + where + " belongs to repository " + keyRepository
                    + ", not to this one (" + config.repositoryId() + "); it was copied from another store: remove"
                    + " it (rke-backup key remove)");
        }
    }

    /**
     * Lists the key objects. Needs no key; damaged or foreign objects are listed as unusable.
     *
     * @return the keys, by id
     * @throws KeyRequiredException if the store holds no encrypted repository
     */
    public List<KeyInfo> list() {
        Formats.Config config = readConfig();
        List<KeyInfo> out = new ArrayList<>();
        for (ObjectInfo o : keyObjects()) {
            String name = o.key().substring(o.key().lastIndexOf('/') + 1);
            String id = name.substring(0, name.lastIndexOf('.'));
            if (name.endsWith(".age")) {
                out.add(new KeyInfo(id, "age", o.lastModified(), "age X25519 recipient; standard age file "
                        + o.key(), true));
                continue;
            }
            try {
                Formats.PasswordKey k = Formats.readPasswordKey(read(o.key()), o.key(), id);
                boolean same = k.repositoryId().equals(config.repositoryId());
                out.add(new KeyInfo(id, "password", k.createdAt(), same ? k.kdf().toString()
                        : "belongs to another repository (" + k.repositoryId() + ")", same));
            } catch (IntegrityException e) {
                out.add(new KeyInfo(id, "password", o.lastModified(), e.getMessage(), false));
            }
        }
        return out;
    }

    /**
     * Adds a key-encryption key: one new key object wrapping the same master key.
     *
     * @param unlocked the unlocked repository
     * @param kek the new KEK
     * @return the new key
     */
    public KeyInfo add(UnlockedKey unlocked, KeyEncryptionKey kek) {
        requireSame(unlocked);
        String id = Bytes.randomHex(8);
        Instant now = clock.instant();
        writeKey(unlocked.repositoryId(), id, now, kek, unlocked.master());
        LOG.info("added {} key {} to repository {}", typeOf(kek), id, unlocked.repositoryId());
        return new KeyInfo(id, typeOf(kek), now, kek instanceof KeyEncryptionKey.AgeRecipient a ? a.recipient()
                : "argon2id", true);
    }

    /**
     * Removes a key object. Refused when it is the last usable key.
     *
     * @param unlocked the unlocked repository (proves the caller holds a key)
     * @param keyId the key to remove
     * @throws InvalidInputException if there is no such key or it is the last usable one
     */
    public void remove(UnlockedKey unlocked, String keyId) {
        requireSame(unlocked);
        List<KeyInfo> keys = list();
        KeyInfo target = keys.stream().filter(k -> k.id().equals(keyId)).findFirst().orElseThrow(() ->
                new InvalidInputException("the repository has no key " + keyId + "; rke-backup key list shows them"));
        long othersUsable = keys.stream().filter(k -> k.usable() && !k.id().equals(keyId)).count();
        if (othersUsable == 0) {
            throw new InvalidInputException("key " + keyId + " is the last usable key of the repository; removing it"
                    + " would make every set unreadable. Add another key first (rke-backup key add)");
        }
        store.delete(List.of(keyKey(keyId, target.type())));
        LOG.info("removed key {} from repository {}", keyId, unlocked.repositoryId());
    }

    /**
     * Replaces a password key by one for a new password (a new key object first, then the old one is removed).
     *
     * @param unlocked the unlocked repository
     * @param keyId the password key to replace
     * @param newPassword the new password
     * @return the new key
     */
    public KeyInfo changePassword(UnlockedKey unlocked, String keyId, Secret newPassword) {
        requireSame(unlocked);
        KeyInfo old = list().stream().filter(k -> k.id().equals(keyId)).findFirst().orElseThrow(() ->
                new InvalidInputException("the repository has no key " + keyId + "; rke-backup key list shows them"));
        if (!old.type().equals("password")) {
            throw new InvalidInputException("key " + keyId + " is an age key, not a password key; add a password"
                    + " key (rke-backup key add) and remove the age key instead");
        }
        KeyInfo added = add(unlocked, KeyEncryptionKey.password(newPassword));
        store.delete(List.of(keyKey(keyId, "password")));
        LOG.info("replaced password key {} by {} in repository {}", keyId, added.id(), unlocked.repositoryId());
        return added;
    }

    private void requireSame(UnlockedKey unlocked) {
        Formats.Config config = readConfig();
        if (!config.repositoryId().equals(unlocked.repositoryId())) {
            throw new InvalidInputException("the key unlocks repository " + unlocked.repositoryId() + ", but "
                    + store.describe() + " holds repository " + config.repositoryId());
        }
    }

    private String writeKey(String repositoryId, String id, Instant now, KeyEncryptionKey kek, MasterKey master) {
        byte[] bytes;
        if (kek instanceof KeyEncryptionKey.Password p) {
            bytes = Formats.writePasswordKey(repositoryId, id, now, p.password(), master);
        } else {
            bytes = Formats.writeAgeKey(repositoryId, id, now, ((KeyEncryptionKey.AgeRecipient) kek).recipient(),
                    master);
        }
        String key = keyKey(id, typeOf(kek));
        store.put(key, new ByteArrayInputStream(bytes), bytes.length);
        return key;
    }

    private static String typeOf(KeyEncryptionKey kek) {
        return kek instanceof KeyEncryptionKey.Password ? "password" : "age";
    }

    private String keyKey(String id, String type) {
        return ObjectKeys.join(prefix, KEYS, id + (type.equals("password") ? ".json" : ".age"));
    }

    private String configKey() {
        return ObjectKeys.join(prefix, RepositoryCipher.CONFIG_NAME);
    }

    private List<ObjectInfo> keyObjects() {
        String base = ObjectKeys.join(prefix, KEYS) + "/";
        return store.list(base).stream().filter(o -> {
            String rest = o.key().substring(base.length());
            return !rest.contains("/") && rest.matches("[0-9a-f]{16}\\.(json|age)");
        }).toList();
    }

    private Formats.Config readConfig() {
        Optional<byte[]> bytes;
        try {
            bytes = Optional.of(read(configKey()));
        } catch (ObjectNotFoundException e) {
            bytes = Optional.empty();
        }
        if (bytes.isEmpty()) {
            throw new KeyRequiredException(store.describe() + " holds no encrypted repository (no "
                    + RepositoryCipher.CONFIG_NAME + "); create one with rke-backup init");
        }
        return Formats.readConfig(bytes.get(), configKey());
    }

    private byte[] read(String key) {
        try (InputStream in = store.open(key)) {
            return in.readNBytes(Formats.MAX_OBJECT_BYTES + 1);
        } catch (IOException e) {
            throw new StorageException("cannot read " + key + " in " + store.describe() + ": " + e.getMessage(), e,
                    true);
        } catch (BackupException e) {
            throw e;
        }
    }

    @Override
    public String toString() {
        return "RepositoryKeys[" + store.describe() + (prefix.isEmpty() ? "" : " prefix " + prefix) + "]";
    }
}
