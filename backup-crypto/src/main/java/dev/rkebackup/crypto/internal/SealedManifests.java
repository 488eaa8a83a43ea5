package dev.rkebackup.crypto.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.crypto.AuthenticationException;
import dev.rkebackup.core.crypto.OpenedManifest;
import dev.rkebackup.core.crypto.SetCipher;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;

/**
 * Sets of an unlocked repository: fresh data keys, sealed manifests (encrypted under the set's data key, readable
 * fields MACed under the master key) and their opening.
 */
public final class SealedManifests {
    /** The {@code format} of a sealed manifest. */
    public static final String FORMAT = "rke-backup-sealed-manifest";
    private static final String MANIFEST_PATH = "manifest.json";

    private final MasterKey master;
    private final String repositoryId;
    private final int segmentSize;

    /**
     * Creates the set logic of an unlocked repository.
     *
     * @param master the master key
     * @param repositoryId the repository id
     * @param segmentSize the Tink ciphertext segment size
     */
    public SealedManifests(MasterKey master, String repositoryId, int segmentSize) {
        this.master = master;
        this.repositoryId = repositoryId;
        this.segmentSize = segmentSize;
    }

    /**
     * A new set's cipher with a random data key.
     *
     * @param setId the set
     * @return the cipher
     */
    public SetCipher newSet(String setId) {
        return new StreamingSetCipher(Bytes.random(StreamingSetCipher.DATA_KEY_SIZE), repositoryId, setId,
                segmentSize);
    }

    private static byte[] macInput(String repositoryId, String setId, String createdAt, String dataKey,
            String manifest) {
        return Bytes.tuple("rke-backup-sealed-manifest-v1", repositoryId, setId, createdAt, dataKey, manifest);
    }

    private byte[] dataKeyAad(String setId) {
        return Bytes.tuple("rke-backup-data-key-v1", repositoryId, setId);
    }

    /**
     * Seals a manifest.
     *
     * @param setId the set
     * @param createdAt its creation time
     * @param set its cipher from {@link #newSet}
     * @param json the plaintext manifest
     * @return the stored bytes
     */
    public byte[] seal(String setId, Instant createdAt, SetCipher set, byte[] json) {
        if (!(set instanceof StreamingSetCipher s) || !s.setId().equals(setId)) {
            throw new IllegalArgumentException("the set cipher does not belong to set " + setId);
        }
        String wrapped = Bytes.b64(master.wrap(s.dataKey(), dataKeyAad(setId)));
        String ct = Bytes.b64(s.encryptAll(json, MANIFEST_PATH));
        String created = createdAt.toString();
        ObjectNode n = Json.object();
        n.put("format", FORMAT);
        n.put("version", Formats.VERSION);
        n.put("repositoryId", repositoryId);
        n.put("setId", setId);
        n.put("createdAt", created);
        n.put("dataKey", wrapped);
        n.put("manifest", ct);
        n.put("mac", Bytes.b64(master.mac(macInput(repositoryId, setId, created, wrapped, ct))));
        return Json.bytes(n);
    }

    /**
     * Opens a sealed manifest.
     *
     * @param setId the set it was found under
     * @param stored the stored bytes
     * @return the plaintext and the set's cipher
     */
    public OpenedManifest open(String setId, byte[] stored) {
        String where = "manifest of set " + setId;
        String fix = "the set cannot be trusted: do not restore from it, verify the others or take a new backup";
        Json j;
        try {
            j = Json.parse(stored, where, FORMAT, Formats.VERSION, fix);
        } catch (IntegrityException e) {
            throw new AuthenticationException(e.getMessage() + " (an encrypted repository accepts only manifests"
                    + " sealed with its key)");
        }
        String repo = j.text("repositoryId");
        String id = j.text("setId");
        String created = j.text("createdAt");
        String wrapped = j.text("dataKey");
        String ct = j.text("manifest");
        if (!master.macMatches(macInput(repo, id, created, wrapped, ct), j.base64("mac"))) {
            throw new AuthenticationException(where + " failed authentication (modified, re-dated, or not written"
                    + " with this repository's key); " + fix);
        }
        if (!repo.equals(repositoryId)) {
            throw new AuthenticationException(where + " belongs to repository " + repo + ", not " + repositoryId
                    + "; " + fix);
        }
        if (!id.equals(setId)) {
            throw new AuthenticationException(where + " was written for set " + id + " and put in place of set "
                    + setId + "; " + fix);
        }
        byte[] dataKey;
        try {
            dataKey = master.unwrap(Bytes.unb64(wrapped), dataKeyAad(setId));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new AuthenticationException(where + ": its data key does not unwrap; " + fix);
        }
        StreamingSetCipher set = new StreamingSetCipher(dataKey, repositoryId, setId, segmentSize);
        java.util.Arrays.fill(dataKey, (byte) 0);
        byte[] json;
        try {
            json = set.decryptAll(Bytes.unb64(ct), MANIFEST_PATH);
        } catch (IOException | IllegalArgumentException e) {
            throw new AuthenticationException(where + " does not decrypt; " + fix);
        }
        return new OpenedManifest(json, set);
    }
}
