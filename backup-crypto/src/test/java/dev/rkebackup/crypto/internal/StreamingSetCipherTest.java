package dev.rkebackup.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Our pull-side encryption writes exactly Tink's format: Tink's own decrypting stream reads it back. */
class StreamingSetCipherTest {
    @Test
    void tinkDecryptsWhatWeEncryptAtEverySegmentBoundary() throws Exception {
        byte[] key = Bytes.random(32);
        StreamingSetCipher ours = new StreamingSetCipher(key, "repo", "set", 4096);
        AesGcmHkdfStreaming tink = new AesGcmHkdfStreaming(key, "HmacSha256", 32, 4096, 0);
        int first = tink.getPlaintextSegmentSize() - tink.getCiphertextOffset();
        int full = tink.getPlaintextSegmentSize();
        int[] sizes = {0, 1, first - 1, first, first + 1, first + full, first + 2 * full + 7, 100_000};
        for (int size : sizes) {
            byte[] plain = new byte[size];
            new Random(size).nextBytes(plain);
            byte[] ct;
            try (InputStream in = ours.encrypt(new ByteArrayInputStream(plain), "a/b.zip", size)) {
                ct = in.readAllBytes();
            }
            assertThat(ct.length).as("size %d", size).isEqualTo(ours.storedSize(size));
            try (InputStream in = tink.newDecryptingStream(new ByteArrayInputStream(ct), ours.aad("a/b.zip"))) {
                assertThat(in.readAllBytes()).as("size %d", size).isEqualTo(plain);
            }
            try (InputStream in = ours.decrypt(new ByteArrayInputStream(ct), "a/b.zip")) {
                assertThat(in.readAllBytes()).isEqualTo(plain);
            }
        }
    }

    @Test
    void theDocumentedTinkKeyObjectsDecryptAnArtifact() throws Exception {
        // the recipe of docs/encryption-format.md, with Tink's public key and parameter classes
        byte[] key = Bytes.random(32);
        StreamingSetCipher ours = new StreamingSetCipher(key, "repo", "set", 4096);
        byte[] plain = new byte[50_000];
        new Random(3).nextBytes(plain);
        byte[] ct = ours.encrypt(new ByteArrayInputStream(plain), "snapshots/s.zip", plain.length).readAllBytes();
        var p = com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters.builder().setKeySizeBytes(32)
                .setDerivedAesGcmKeySizeBytes(32)
                .setHkdfHashType(com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters.HashType.SHA256)
                .setCiphertextSegmentSizeBytes(4096).build();
        com.google.crypto.tink.StreamingAead aead = AesGcmHkdfStreaming.create(
                com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey.create(p,
                        com.google.crypto.tink.util.SecretBytes.copyFrom(key,
                                com.google.crypto.tink.InsecureSecretKeyAccess.get())));
        byte[] aad = Bytes.tuple("rke-backup-artifact-v1", "repo", "set", "snapshots/s.zip");
        try (InputStream in = aead.newDecryptingStream(new ByteArrayInputStream(ct), aad)) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        long n = plain.length;
        assertThat((long) ct.length).as("documented size formula").isEqualTo(n + 40 + 16 * ((n + 40 + 4079) / 4080));
    }

    @Test
    void decryptsFromAStoreStreamThatReturnsShortReads() throws Exception {
        // network streams (S3 GET bodies) return fewer bytes than asked for; both segment sizes must cope
        for (int segment : new int[] {4096, 1 << 20}) {
            StreamingSetCipher c = new StreamingSetCipher(Bytes.random(32), "repo", "set", segment);
            byte[] plain = new byte[3 * (1 << 20) + 77];
            new Random(segment).nextBytes(plain);
            byte[] ct = c.encrypt(new ByteArrayInputStream(plain), "p", plain.length).readAllBytes();
            InputStream trickle = new java.io.FilterInputStream(new ByteArrayInputStream(ct)) {
                @Override
                public int read(byte[] b, int off, int len) throws java.io.IOException {
                    return super.read(b, off, Math.min(len, 1371));
                }
            };
            try (InputStream in = c.decrypt(trickle, "p")) {
                assertThat(in.readAllBytes()).as("segment %d", segment).isEqualTo(plain);
            }
        }
    }

    @Test
    void contentLongerOrShorterThanDeclaredFailsTheStream() {
        StreamingSetCipher c = new StreamingSetCipher(Bytes.random(32), "repo", "set", 4096);
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () ->
                c.encrypt(new ByteArrayInputStream(new byte[10]), "x", 9).readAllBytes()).getMessage())
                .contains("more than the 9 bytes");
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () ->
                c.encrypt(new ByteArrayInputStream(new byte[10]), "x", 11).readAllBytes()).getMessage())
                .contains("ended after 10 bytes");
    }
}
