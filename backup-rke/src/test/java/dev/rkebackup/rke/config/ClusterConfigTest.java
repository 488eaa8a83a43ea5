package dev.rkebackup.rke.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClusterConfigTest {
    private static final String FULL = """
            cluster_name: rancher-prod   # the name
            kubernetes_version: v1.20.15-rancher2-2
            prefix_path: /opt/rke
            ssh_key_path: ~/.ssh/rancher
            ssh_cert_path: ~/.ssh/rancher-cert.pub
            ssh_agent_auth: true
            bastion_host:
              address: bastion.example.com
              user: jump
              port: 2222
              ssh_key_path: ~/.ssh/jump
            nodes:
              - address: 203.0.113.10
                internal_address: 10.0.0.10
                port: 2200
                user: rancher
                role: [controlplane, etcd, worker]
                hostname_override: Node-A
                ssh_key: |
                  -----BEGIN OPENSSH PRIVATE KEY-----
                  c2VjcmV0LWtleS1tYXRlcmlhbA==
                  -----END OPENSSH PRIVATE KEY-----
                docker_socket: /run/docker.sock
                labels:
                  app: ingress
                  tier: "1"
                taints:
                  - key: dedicated
                    value: etcd
                    effect: NoSchedule
                  - key: bare
              - address: 203.0.113.11
                user: rancher
                role:
                  - etcd
                ssh_key_path: ~/.ssh/node-b
                ssh_cert: ssh-rsa-cert-v01@openssh.com AAAA
                ssh_cert_path: ~/.ssh/node-b-cert.pub
              - address: 203.0.113.12
                user: rancher
                role: [worker]
            services:
              etcd:
                snapshot: true
                creation: 6h0s
                retention: 24h
                backup_config:
                  enabled: true
                  interval_hours: 6
                  retention: 28
                  timeout: 600
                  safe_timestamp: false
                  s3backupconfig:
                    access_key: AKIAEXAMPLE
                    secret_key: "wJalrXUtnFEMI/K7MDENG"
                    bucket_name: etcd-snaps
                    region: eu-west-1
                    endpoint: s3.eu-west-1.amazonaws.com
                    folder: prod
                    custom_ca: |
                      -----BEGIN CERTIFICATE-----
                      MIIB
                      -----END CERTIFICATE-----
              kube-api:
                service_cluster_ip_range: 10.43.0.0/16
            network:
              plugin: canal
            addons_include: [https://example.com/a.yaml]
            """;

    @Test
    void parsesEveryModelledField() {
        ClusterConfig c = ClusterConfig.parse(FULL, "cluster.yml");
        assertThat(c.clusterName()).isEqualTo("rancher-prod");
        assertThat(c.kubernetesVersion()).contains("v1.20.15-rancher2-2");
        assertThat(c.prefixPath()).contains("/opt/rke");
        assertThat(c.sshKeyPath()).isEqualTo("~/.ssh/rancher");
        assertThat(c.sshCertPath()).contains("~/.ssh/rancher-cert.pub");
        assertThat(c.sshAgentAuth()).isTrue();
        BastionHost b = c.bastionHost().orElseThrow();
        assertThat(b.address()).isEqualTo("bastion.example.com");
        assertThat(b.port()).isEqualTo("2222");
        assertThat(b.user()).contains("jump");
        assertThat(b.sshKeyPath()).contains("~/.ssh/jump");

        assertThat(c.nodes()).hasSize(3);
        RkeNode a = c.nodes().get(0);
        assertThat(a.address()).isEqualTo("203.0.113.10");
        assertThat(a.internalAddress()).isEqualTo("10.0.0.10");
        assertThat(a.port()).isEqualTo("2200");
        assertThat(a.user()).isEqualTo("rancher");
        assertThat(a.roles()).containsExactlyInAnyOrder(NodeRole.CONTROLPLANE, NodeRole.ETCD, NodeRole.WORKER);
        assertThat(a.hostnameOverride()).isEqualTo("Node-A");
        assertThat(a.etcdMemberName()).isEqualTo("etcd-node-a");
        assertThat(a.sshKey().orElseThrow().reveal()).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        assertThat(a.dockerSocket()).isEqualTo("/run/docker.sock");
        assertThat(a.labels()).containsExactly(Map.entry("app", "ingress"), Map.entry("tier", "1"));
        assertThat(a.taints()).containsExactly(new Taint("dedicated", "etcd", "NoSchedule"),
                new Taint("bare", "", ""));

        RkeNode n2 = c.nodes().get(1);
        assertThat(n2.internalAddress()).isEqualTo("203.0.113.11");
        assertThat(n2.port()).isEqualTo("22");
        assertThat(n2.hostnameOverride()).isEqualTo("203.0.113.11");
        assertThat(n2.sshKey()).isEmpty();
        assertThat(n2.sshKeyPath()).contains("~/.ssh/node-b");
        assertThat(n2.sshCert()).contains("ssh-rsa-cert-v01@openssh.com AAAA");
        assertThat(n2.sshCertPath()).contains("~/.ssh/node-b-cert.pub");
        assertThat(n2.dockerSocket()).isEqualTo(RkeNode.DEFAULT_DOCKER_SOCKET);
        assertThat(c.etcdNodes()).extracting(RkeNode::address).containsExactly("203.0.113.10", "203.0.113.11");
        assertThat(c.sshKeyPathFor(a)).isEqualTo("~/.ssh/rancher");
        assertThat(c.sshKeyPathFor(n2)).isEqualTo("~/.ssh/node-b");
        assertThat(c.sshCertPathFor(a)).contains("~/.ssh/rancher-cert.pub");
        assertThat(c.sshCertPathFor(n2)).isEmpty(); // inline cert wins
        assertThat(c.sshCertPathFor(c.nodes().get(2))).contains("~/.ssh/rancher-cert.pub");

        EtcdConfig etcd = c.etcd();
        assertThat(etcd.snapshot()).contains(true);
        assertThat(etcd.creation()).contains("6h0s");
        assertThat(etcd.retention()).contains("24h");
        BackupConfig bc = etcd.backupConfig().orElseThrow();
        assertThat(bc.enabled()).contains(true);
        assertThat(bc.intervalHours()).hasValue(6);
        assertThat(bc.retention()).hasValue(28);
        assertThat(bc.timeout()).hasValue(600);
        assertThat(bc.safeTimestamp()).contains(false);
        S3BackupConfig s3 = bc.s3().orElseThrow();
        assertThat(s3.accessKey().map(Secret::reveal)).contains("AKIAEXAMPLE");
        assertThat(s3.secretKey().map(Secret::reveal)).contains("wJalrXUtnFEMI/K7MDENG");
        assertThat(s3.bucketName()).contains("etcd-snaps");
        assertThat(s3.region()).contains("eu-west-1");
        assertThat(s3.endpoint()).contains("s3.eu-west-1.amazonaws.com");
        assertThat(s3.folder()).contains("prod");
        assertThat(s3.customCa()).contains("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        assertThat(c.configGeneration()).isEqualTo(ConfigGeneration.BACKUP_CONFIG);
        assertThat(c.unknownKeys()).isEmpty();
        assertThat(c.lineOf("services.etcd.backup_config.retention")).hasValue(50);
    }

    @Test
    void keepsKeysTheModelDoesNotKnow() {
        ClusterConfig c = ClusterConfig.parse(FULL + "enable_cluster_alerting: true\nmy_extension: {a: [1, 2]}\n",
                "c.yml");
        assertThat(c.tree().at("/network/plugin").asText()).isEqualTo("canal");
        assertThat(c.tree().at("/services/kube-api/service_cluster_ip_range").asText()).isEqualTo("10.43.0.0/16");
        assertThat(c.tree().at("/my_extension/a/1").asInt()).isEqualTo(2);
        assertThat(c.unknownKeys()).containsExactly("enable_cluster_alerting", "my_extension");
        // the tree is a copy: changing it does not change the config
        ((com.fasterxml.jackson.databind.node.ObjectNode) c.tree()).remove("network");
        assertThat(c.tree().has("network")).isTrue();
        assertThat(c.text()).endsWith("my_extension: {a: [1, 2]}\n");
    }

    @Test
    void secretsNeverAppearInToStringOrReports() {
        ClusterConfig c = ClusterConfig.parse(FULL, "cluster.yml");
        String all = c + " " + c.nodes() + " " + c.etcd() + " " + c.bastionHost() + " "
                + ConfigInspector.inspect(c).toText() + ConfigInspector.inspect(c).toJson()
                + ConfigInspector.inspect(c);
        assertThat(all).doesNotContain("wJalrXUtnFEMI", "AKIAEXAMPLE", "c2VjcmV0", "MIIB").contains(Secret.REDACTED);
    }

    @Test
    void defaultsWhenAbsent() {
        ClusterConfig c = ClusterConfig.parse("nodes:\n- {address: 1.2.3.4, user: u, role: [etcd]}\n", "c.yml");
        assertThat(c.clusterName()).isEqualTo("local");
        assertThat(c.sshKeyPath()).isEqualTo("~/.ssh/id_rsa");
        assertThat(c.sshAgentAuth()).isFalse();
        assertThat(c.bastionHost()).isEmpty();
        assertThat(c.kubernetesVersion()).isEmpty();
        assertThat(c.configGeneration()).isEqualTo(ConfigGeneration.NONE);
        assertThat(c.etcd().backupConfig()).isEmpty();
        assertThat(c.sourcePath()).isEmpty();
        assertThat(c.stateFilePath()).isEmpty();
        assertThat(c.kubeconfigPath()).isEmpty();
    }

    @Test
    void pathsOfStateFileAndKubeconfig(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rancher-cluster.yml");
        Files.writeString(file, "nodes:\n- {address: a, user: u, role: [etcd]}\n");
        ClusterConfig c = ClusterConfig.load(file);
        assertThat(c.sourcePath()).contains(file);
        assertThat(c.stateFilePath()).contains(dir.resolve("rancher-cluster.rkestate"));
        assertThat(c.kubeconfigPath()).contains(dir.resolve("kube_config_rancher-cluster.yml"));
        Path noExt = dir.resolve("clusterconfig");
        Files.writeString(noExt, "nodes: []\n");
        assertThat(ClusterConfig.load(noExt).stateFilePath()).contains(dir.resolve("clusterconfig.rkestate"));
        Path dotted = dir.resolve("my.cluster.yaml");
        Files.writeString(dotted, "nodes: []\n");
        assertThat(ClusterConfig.load(dotted).stateFilePath()).contains(dir.resolve("my.cluster.rkestate"));
    }

    @Test
    void mergeKeysAndAnchorsWorkLikeRke() {
        String yaml = """
                x-node: &node
                  user: rancher
                  role: [etcd, controlplane]
                nodes:
                  - <<: *node
                    address: 10.0.0.1
                  - <<: *node
                    address: 10.0.0.2
                    user: other
                """;
        ClusterConfig c = ClusterConfig.parse(yaml, "c.yml");
        assertThat(c.nodes()).extracting(RkeNode::user).containsExactly("rancher", "other");
        assertThat(c.etcdNodes()).hasSize(2);
        assertThat(c.tree().at("/nodes/0/user").asText()).isEqualTo("rancher");
    }

    @Test
    void duplicateKeysAreReportedAndLastWins() {
        String yaml = "nodes:\n- {address: a, user: u, role: [etcd]}\nservices:\n  etcd:\n    snapshot: true\n"
                + "    snapshot: false\n";
        ClusterConfig c = ClusterConfig.parse(yaml, "c.yml");
        assertThat(c.etcd().snapshot()).contains(false);
        assertThat(c.duplicateKeys()).containsExactly("services.etcd.snapshot");
    }

    @Test
    void yamlOneOneBooleansAndNumbersAsStrings() {
        String yaml = "nodes:\n- address: 10.0.0.1\n  user: 1000\n  port: 22\n  role: [etcd]\n"
                + "ssh_agent_auth: yes\n";
        ClusterConfig c = ClusterConfig.parse(yaml, "c.yml");
        assertThat(c.nodes().get(0).user()).isEqualTo("1000");
        assertThat(c.nodes().get(0).port()).isEqualTo("22");
        assertThat(c.sshAgentAuth()).isTrue();
    }

    @Test
    void requireEtcdNodesNamesTheProblem() {
        ClusterConfig c = ClusterConfig.parse("nodes:\n  - {address: a, user: u, role: [worker]}\n", "c.yml");
        assertThat(c.etcdNodes()).isEmpty();
        assertThatThrownBy(c::requireEtcdNodes).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("c.yml: line 1").hasMessageContaining("etcd role");
    }

    @Test
    void nodeBuilderAppliesDefaults() {
        RkeNode n = RkeNode.builder("10.0.0.1", "rancher").roles(NodeRole.ETCD).build();
        assertThat(n.internalAddress()).isEqualTo("10.0.0.1");
        assertThat(n.port()).isEqualTo("22");
        assertThat(n.hostnameOverride()).isEqualTo("10.0.0.1");
        assertThat(n.isEtcd()).isTrue();
        assertThat(n.labels()).isEmpty();
        assertThatThrownBy(() -> RkeNode.builder(" ", "u")).isInstanceOf(IllegalArgumentException.class);
        assertThat(RkeNode.builder("a", "u").sshKey(Secret.of("PRIVATE")).build().toString())
                .doesNotContain("PRIVATE");
        assertThat(List.of(NodeRole.values())).extracting(NodeRole::yamlName)
                .containsExactly("etcd", "controlplane", "worker");
    }
}
