package dev.rkebackup.rke.config;

import dev.rkebackup.core.Secret;
import java.util.Optional;

/**
 * The {@code bastion_host} section: an SSH jump host RKE connects through. Unset {@code port} is {@code "22"};
 * an unset key path means the cluster {@code ssh_key_path}. Immutable and thread-safe; {@link #toString()} never
 * shows the inline key.
 */
public final class BastionHost {
    private final String address;
    private final String port;
    private final String user;
    private final Secret sshKey;
    private final String sshKeyPath;
    private final String sshCert;
    private final String sshCertPath;

    BastionHost(String address, String port, String user, Secret sshKey, String sshKeyPath, String sshCert,
            String sshCertPath) {
        this.address = address;
        this.port = port == null || port.isEmpty() ? RkeNode.DEFAULT_PORT : port;
        this.user = user;
        this.sshKey = sshKey;
        this.sshKeyPath = sshKeyPath;
        this.sshCert = sshCert;
        this.sshCertPath = sshCertPath;
    }

    /** @return {@code address} of the jump host */
    public String address() {
        return address;
    }

    /** @return {@code port}, {@code "22"} when unset */
    public String port() {
        return port;
    }

    /** @return {@code user} */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** @return inline {@code ssh_key} */
    public Optional<Secret> sshKey() {
        return Optional.ofNullable(sshKey);
    }

    /** @return {@code ssh_key_path}; absent means the cluster-level path */
    public Optional<String> sshKeyPath() {
        return Optional.ofNullable(sshKeyPath);
    }

    /** @return inline {@code ssh_cert} */
    public Optional<String> sshCert() {
        return Optional.ofNullable(sshCert);
    }

    /** @return {@code ssh_cert_path} */
    public Optional<String> sshCertPath() {
        return Optional.ofNullable(sshCertPath);
    }

    @Override
    public String toString() {
        return "BastionHost[address=" + address + ", port=" + port + ", user=" + user + ", sshKey="
                + (sshKey == null ? "absent" : Secret.REDACTED) + ", sshKeyPath=" + sshKeyPath + "]";
    }
}
