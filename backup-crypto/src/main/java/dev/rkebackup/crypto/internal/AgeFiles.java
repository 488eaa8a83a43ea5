package dev.rkebackup.crypto.internal;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/** Standard age files (binary, X25519 recipients) through jagged: what {@code age -d -i identity} decrypts. */
public final class AgeFiles {
    private AgeFiles() {
    }

    /**
     * Checks an age X25519 recipient.
     *
     * @param recipient {@code age1...}
     * @return a stanza writer for it
     * @throws InvalidInputException if it is not one
     */
    static RecipientStanzaWriter writer(String recipient) {
        try {
            return X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient.trim());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidInputException("'" + recipient + "' is not an age X25519 recipient (age1... as printed"
                    + " by age-keygen -y)");
        }
    }

    /**
     * Validates a recipient.
     *
     * @param recipient the recipient text
     * @return it, trimmed
     */
    public static String requireRecipient(String recipient) {
        writer(recipient);
        return recipient.trim();
    }

    static byte[] encrypt(byte[] plaintext, String recipient) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (WritableByteChannel ch = new StandardEncryptingChannelFactory()
                .newEncryptingChannel(Channels.newChannel(out), List.of(writer(recipient)))) {
            ch.write(ByteBuffer.wrap(plaintext));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("age encryption failed: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Parses an age identity file: {@code AGE-SECRET-KEY-1...} lines, {@code #} comments and blank lines.
     *
     * @param identityFile the file's text
     * @return stanza readers, one per identity
     * @throws InvalidInputException if it holds no usable identity
     */
    static List<RecipientStanzaReader> readers(Secret identityFile) {
        List<RecipientStanzaReader> readers = new ArrayList<>();
        for (String raw : identityFile.reveal().split("\r?\n")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!line.startsWith("AGE-SECRET-KEY-1")) {
                throw new InvalidInputException("the age identity file has a line that is not an X25519 identity"
                        + " (AGE-SECRET-KEY-1...); give a file made by age-keygen");
            }
            try {
                readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(line));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new InvalidInputException("the age identity file holds a damaged AGE-SECRET-KEY-1 line;"
                        + " give a file made by age-keygen");
            }
        }
        if (readers.isEmpty()) {
            throw new InvalidInputException("the age identity file holds no identity (AGE-SECRET-KEY-1...);"
                    + " give a file made by age-keygen");
        }
        return readers;
    }

    static byte[] decrypt(byte[] file, List<RecipientStanzaReader> readers, int maxBytes)
            throws GeneralSecurityException, IOException {
        InputStream in = new ByteArrayInputStream(file);
        try (ReadableByteChannel ch = new StandardDecryptingChannelFactory()
                .newDecryptingChannel(Channels.newChannel(in), readers);
             InputStream plain = Channels.newInputStream(ch)) {
            byte[] b = plain.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                throw new IOException("the age file's content is larger than a key object");
            }
            return b;
        }
    }
}
