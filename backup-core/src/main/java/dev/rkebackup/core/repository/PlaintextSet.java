package dev.rkebackup.core.repository;

import dev.rkebackup.core.crypto.SetCipher;
import java.io.InputStream;

/** The "cipher" of a plaintext (round-1) repository: objects are stored as they are. */
final class PlaintextSet implements SetCipher {
    static final PlaintextSet INSTANCE = new PlaintextSet();

    private PlaintextSet() {
    }

    @Override
    public long storedSize(long plaintextSize) {
        return plaintextSize;
    }

    @Override
    public InputStream encrypt(InputStream plaintext, String path, long plaintextSize) {
        return plaintext;
    }

    @Override
    public InputStream decrypt(InputStream stored, String path) {
        return stored;
    }
}
