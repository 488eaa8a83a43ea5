package dev.rkebackup.rke.node;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An optional OpenSSH user certificate that is presented with the private key ({@code ssh_cert} /
 * {@code ssh_cert_path} in cluster.yml, RKE v0.2.0+). A certificate is public data, not a secret.
 */
public sealed interface SshCertificate permits SshCertificate.None, SshCertificate.Inline, SshCertificate.File {

    /**
     * No certificate: the plain public key is offered.
     *
     * @return the absent certificate
     */
    static SshCertificate none() {
        return new None();
    }

    /**
     * Certificate text as in {@code id_ed25519-cert.pub}.
     *
     * @param text one line, {@code <type>-cert-v01@openssh.com <base64> [comment]}
     * @return the certificate source
     */
    static SshCertificate inline(String text) {
        return new Inline(text);
    }

    /**
     * Certificate file.
     *
     * @param path the {@code *-cert.pub} file on the host running the backup
     * @return the certificate source
     */
    static SshCertificate file(Path path) {
        return new File(path);
    }

    /** No certificate. */
    record None() implements SshCertificate {
    }

    /**
     * Inline certificate text.
     *
     * @param text the certificate line
     */
    record Inline(String text) implements SshCertificate {
        /** Validates the text. */
        public Inline {
            Objects.requireNonNull(text, "text");
            if (text.isBlank()) {
                throw new IllegalArgumentException("inline SSH certificate is empty");
            }
        }
    }

    /**
     * Certificate file.
     *
     * @param path the file
     */
    record File(Path path) implements SshCertificate {
        /** Validates the path. */
        public File {
            Objects.requireNonNull(path, "path");
        }
    }
}
