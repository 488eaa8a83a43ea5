package dev.rkebackup.rke.node;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the SSH client key for a node comes from, following RKE: an inline key ({@code ssh_key}) wins over a key
 * file ({@code ssh_key_path}); with {@code ssh_agent_auth} the keys of the SSH agent at {@code SSH_AUTH_SOCK} are used
 * and no key file is read. Passphrase-protected keys work only through the agent, as in RKE.
 *
 * <p>All implementations are immutable; {@code toString()} never shows key material.
 */
public sealed interface SshKey permits SshKey.Inline, SshKey.File, SshKey.Agent {

    /**
     * An inline private key (OpenSSH or PEM text), RSA or ed25519.
     *
     * @param privateKey the key text
     * @return the key source
     */
    static SshKey inline(Secret privateKey) {
        return new Inline(privateKey);
    }

    /**
     * A private key file, RSA or ed25519.
     *
     * @param path the file on the host running the backup
     * @return the key source
     */
    static SshKey file(Path path) {
        return new File(path);
    }

    /**
     * The keys held by the SSH agent whose socket {@code SSH_AUTH_SOCK} names (read now, as RKE reads it).
     *
     * @return the key source
     * @throws InvalidInputException if {@code SSH_AUTH_SOCK} is not set
     */
    static SshKey agent() {
        String sock = System.getenv("SSH_AUTH_SOCK");
        if (sock == null || sock.isBlank()) {
            throw new InvalidInputException("ssh_agent_auth is on but SSH_AUTH_SOCK is not set; start ssh-agent,"
                    + " add the key with ssh-add, and export SSH_AUTH_SOCK");
        }
        return new Agent(Path.of(sock));
    }

    /**
     * The keys held by the SSH agent listening on a given Unix socket.
     *
     * @param socket the agent's socket
     * @return the key source
     */
    static SshKey agent(Path socket) {
        return new Agent(socket);
    }

    /**
     * Inline key text.
     *
     * @param privateKey the private key; printed as {@code ********}
     */
    record Inline(Secret privateKey) implements SshKey {
        /** Validates the key. */
        public Inline {
            Objects.requireNonNull(privateKey, "privateKey");
            if (privateKey.isEmpty()) {
                throw new IllegalArgumentException("inline SSH key is empty");
            }
        }
    }

    /**
     * Key file on the host running the backup.
     *
     * @param path the file
     */
    record File(Path path) implements SshKey {
        /** Validates the path. */
        public File {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * Keys of an SSH agent.
     *
     * @param socket the agent's Unix socket
     */
    record Agent(Path socket) implements SshKey {
        /** Validates the socket path. */
        public Agent {
            Objects.requireNonNull(socket, "socket");
        }
    }
}
