package dev.rkebackup.rke.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.rke.config.ClusterConfig;
import dev.rkebackup.rke.config.RkeNode;
import dev.rkebackup.rke.node.HostKeyPolicy;
import dev.rkebackup.rke.node.NodeEndpoint;
import dev.rkebackup.rke.node.SshCertificate;
import dev.rkebackup.rke.node.SshKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SshEndpoints#fromConfig} follows RKE's rules for reaching nodes (rke-facts 2.6). */
@Timeout(30)
class SshEndpointsTest {
    private static final String HOME = System.getProperty("user.home");
    private static final String INLINE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
            + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
            + "-----END OPENSSH PRIVATE KEY-----\n";
    private static final String CERT = "ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQ= node-cert";
    private static final SshOptions OPTIONS = SshOptions.defaults().withKnownHosts(Path.of("/etc/rkb/known_hosts"));

    private static List<NodeEndpoint> endpoints(String yaml, SshOptions options) {
        ClusterConfig config = ClusterConfig.parse(yaml, "cluster.yml");
        Function<RkeNode, NodeEndpoint> f = SshEndpoints.fromConfig(config, options);
        return config.nodes().stream().map(f).toList();
    }

    private static String indent(String text, String prefix) {
        return text.lines().map(l -> prefix + l).reduce((a, b) -> a + "\n" + b).orElseThrow() + "\n";
    }

    @Test
    void inlineKeyBeatsTheNodesKeyPathWhichBeatsTheClusterKeyPath() {
        List<NodeEndpoint> inline = endpoints("ssh_key_path: /keys/cluster_rsa\nnodes:\n"
                + "- address: 10.0.0.1\n  user: rancher\n  role: [etcd]\n  ssh_key_path: /keys/ignored\n"
                + "  ssh_key: |-\n" + indent(INLINE_KEY.strip(), "    ")
                + "- address: 10.0.0.2\n  user: ubuntu\n  role: [etcd]\n  ssh_key_path: /keys/node2\n"
                + "- address: 10.0.0.3\n  port: \"2222\"\n  user: core\n  role: [etcd]\n", OPTIONS);
        assertThat(inline.get(0).key()).isInstanceOfSatisfying(SshKey.Inline.class,
                k -> assertThat(k.privateKey().reveal()).isEqualTo(INLINE_KEY.strip()));
        assertThat(inline.get(0).toString()).doesNotContain("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ");
        assertThat(inline.get(1).key()).isEqualTo(SshKey.file(Path.of("/keys/node2")));
        assertThat(inline.get(2).key()).isEqualTo(SshKey.file(Path.of("/keys/cluster_rsa")));
        assertThat(inline).extracting(NodeEndpoint::address).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(inline).extracting(NodeEndpoint::user).containsExactly("rancher", "ubuntu", "core");
        assertThat(inline).extracting(NodeEndpoint::port).containsExactly(22, 22, 2222);
    }

    @Test
    void keyPathsDefaultToTildeIdRsaAndTildeIsTheUsersHome() {
        List<NodeEndpoint> e = endpoints("nodes:\n- {address: a, user: u, role: [etcd]}\n"
                + "- {address: b, user: u, role: [etcd], ssh_key_path: ~/.ssh/id_ed25519}\n", OPTIONS);
        assertThat(e.get(0).key()).isEqualTo(SshKey.file(Path.of(HOME, ".ssh", "id_rsa")));
        assertThat(e.get(1).key()).isEqualTo(SshKey.file(Path.of(HOME, ".ssh", "id_ed25519")));
    }

    @Test
    void sshAgentAuthUsesTheAgentForEveryNodeAndTheBastionAndReadsNoKeyFile() {
        String yaml = "ssh_agent_auth: true\nssh_key_path: /does/not/exist\nnodes:\n"
                + "- {address: 10.0.0.1, user: rancher, role: [etcd], ssh_key_path: /also/missing}\n"
                + "bastion_host: {address: jump.example.com, user: jump}\n";
        String sock = System.getenv("SSH_AUTH_SOCK");
        if (sock == null || sock.isBlank()) {
            // as RKE: agent auth needs SSH_AUTH_SOCK; the error says how to get it
            assertThatThrownBy(() -> endpoints(yaml, OPTIONS)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("SSH_AUTH_SOCK").hasMessageContaining("ssh-add");
        } else {
            NodeEndpoint e = endpoints(yaml, OPTIONS).get(0);
            assertThat(e.key()).isEqualTo(SshKey.agent(Path.of(sock)));
            assertThat(e.bastion().orElseThrow().key()).isEqualTo(SshKey.agent(Path.of(sock)));
        }
        // without agent auth the same config names the key files
        assertThat(endpoints(yaml.replace("ssh_agent_auth: true", "ssh_agent_auth: false"), OPTIONS).get(0).key())
                .isEqualTo(SshKey.file(Path.of("/also/missing")));
    }

    @Test
    void certificatesInlineByNodePathOrByClusterPath() {
        List<NodeEndpoint> e = endpoints("ssh_cert_path: /certs/cluster-cert.pub\nnodes:\n"
                + "- {address: a, user: u, role: [etcd], ssh_cert: \"" + CERT + "\","
                + " ssh_cert_path: /certs/ignored-cert.pub}\n"
                + "- {address: b, user: u, role: [etcd], ssh_cert_path: /certs/b-cert.pub}\n"
                + "- {address: c, user: u, role: [etcd]}\n", OPTIONS);
        assertThat(e.get(0).certificate()).isEqualTo(SshCertificate.inline(CERT));
        assertThat(e.get(1).certificate()).isEqualTo(SshCertificate.file(Path.of("/certs/b-cert.pub")));
        assertThat(e.get(2).certificate()).isEqualTo(SshCertificate.file(Path.of("/certs/cluster-cert.pub")));
        assertThat(endpoints("nodes:\n- {address: a, user: u, role: [etcd]}\n", OPTIONS).get(0).certificate())
                .isEqualTo(SshCertificate.none());
    }

    @Test
    void bastionHostBecomesTheJumpHostWithItsOwnPortUserKeyAndCertificate() {
        List<NodeEndpoint> e = endpoints("ssh_key_path: /keys/cluster\nssh_cert_path: /certs/c.pub\nnodes:\n"
                + "- {address: 10.0.0.1, user: rancher, role: [etcd]}\n"
                + "- {address: 10.0.0.2, user: rancher, role: [worker]}\n"
                + "bastion_host:\n  address: jump.example.com\n  port: \"2200\"\n  user: jumper\n"
                + "  ssh_key_path: /keys/jump\n", OPTIONS);
        assertThat(e).allSatisfy(n -> {
            NodeEndpoint b = n.bastion().orElseThrow();
            assertThat(b.address()).isEqualTo("jump.example.com");
            assertThat(b.port()).isEqualTo(2200);
            assertThat(b.user()).isEqualTo("jumper");
            assertThat(b.key()).isEqualTo(SshKey.file(Path.of("/keys/jump")));
            assertThat(b.certificate()).isEqualTo(SshCertificate.file(Path.of("/certs/c.pub")));
            assertThat(b.hostKeys()).isEqualTo(HostKeyPolicy.knownHosts(Path.of("/etc/rkb/known_hosts")));
            assertThat(b.jumpHosts()).isEmpty();
        });
        assertThat(e.get(0).describe()).isEqualTo("rancher@10.0.0.1:22 via jumper@jump.example.com:2200");

        NodeEndpoint defaults = endpoints("ssh_key_path: /keys/cluster\nnodes:\n"
                + "- {address: 10.0.0.1, user: rancher, role: [etcd]}\n"
                + "bastion_host: {address: jump, user: j}\n", OPTIONS).get(0).bastion().orElseThrow();
        assertThat(defaults.port()).isEqualTo(22);
        assertThat(endpoints("nodes:\n- {address: a, user: u, role: [etcd], port: \"\"}\n"
                + "bastion_host: {address: j, user: j, port: \"\"}\n", OPTIONS).get(0))
                .as("an empty port is RKE's default 22").satisfies(n -> {
                    assertThat(n.port()).isEqualTo(22);
                    assertThat(n.bastion().orElseThrow().port()).isEqualTo(22);
                });
        assertThat(defaults.key()).isEqualTo(SshKey.file(Path.of("/keys/cluster")));
        assertThat(endpoints("nodes:\n- {address: a, user: u, role: [etcd]}\n", OPTIONS).get(0).bastion())
                .isEmpty();

        assertThatThrownBy(() -> endpoints("nodes:\n- {address: a, user: u, role: [etcd]}\n"
                + "bastion_host: {address: jump}\n", OPTIONS))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("bastion_host jump")
                .hasMessageContaining("user");
    }

    @Test
    void optionsSetHostKeyPolicySudoAndTimeoutOnNodesAndBastion() {
        String yaml = "nodes:\n- {address: a, user: u, role: [etcd]}\nbastion_host: {address: j, user: j}\n";
        NodeEndpoint checked = endpoints(yaml, OPTIONS).get(0);
        assertThat(checked.hostKeys()).isEqualTo(HostKeyPolicy.knownHosts(Path.of("/etc/rkb/known_hosts")));
        assertThat(checked.sudoAllowed()).isFalse();
        assertThat(checked.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(SshOptions.defaults().knownHosts()).isEqualTo(Path.of(HOME, ".ssh", "known_hosts"));

        NodeEndpoint lab = endpoints(yaml, OPTIONS.withSkipHostKeyCheck(true).withSudo(true)
                .withConnectTimeout(Duration.ofSeconds(3))).get(0);
        assertThat(lab.hostKeys()).isInstanceOf(HostKeyPolicy.Insecure.class);
        assertThat(lab.bastion().orElseThrow().hostKeys()).isInstanceOf(HostKeyPolicy.Insecure.class);
        assertThat(lab.sudoAllowed()).isTrue();
        assertThat(lab.bastion().orElseThrow().sudoAllowed()).as("sudo is for the node's files only").isFalse();
        assertThat(lab.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(lab.bastion().orElseThrow().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0\"", "\"65536\"", "\"ssh\"", "\"-22\"", "\"22.5\"", "99999999999"})
    void aPortThatIsNotATcpPortIsBadInput(String port) {
        assertThatThrownBy(() -> endpoints("nodes:\n- {address: 10.9.9.9, user: u, role: [etcd], port: " + port
                + "}\n", OPTIONS)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node 10.9.9.9").hasMessageContaining("1-65535");
        assertThatThrownBy(() -> endpoints("nodes:\n- {address: a, user: u, role: [etcd]}\n"
                + "bastion_host: {address: jump, user: j, port: " + port + "}\n", OPTIONS))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("bastion_host jump");
    }
}
