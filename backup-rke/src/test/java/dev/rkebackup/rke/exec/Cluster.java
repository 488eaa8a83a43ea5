package dev.rkebackup.rke.exec;

import dev.rkebackup.core.Secret;
import dev.rkebackup.rke.testing.EtcdCluster;
import dev.rkebackup.rke.testing.RkeStandin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test helper: a stand-in rke for one version, three etcd nodes on a real etcd, a cluster dir, a runner. */
final class Cluster {
    static final String ACCESS_KEY = "AKIASTANDINACCESS01";
    static final Secret SECRET_KEY = Secret.of("wJalrXUtnFEMI/K7MDENG+bPxRfiCYzSecretKey9");
    static final List<String> ETCD_HOSTS = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3");

    final RkeStandin standin;
    final Path configDir;
    final Path config;
    final Path workDir;
    final RkeRunner runner;
    final List<RkeOutputLine> heard = new CopyOnWriteArrayList<>();

    private Cluster(RkeStandin standin, Path configDir, Path config, Path workDir, Duration timeout) {
        this.standin = standin;
        this.configDir = configDir;
        this.config = config;
        this.workDir = workDir;
        this.runner = RkeRunner.builder(RkeBinary.at(standin.executable())).timeout(timeout).listener(heard::add)
                .workDirectory(workDir).build();
    }

    /** Configures nodes 10.0.0.1..3 (etcd members 0..2) with the given faults on the given host. */
    static Builder builder(EtcdCluster etcd, String version, Path tmp) {
        return new Builder(etcd, version, tmp);
    }

    static final class Builder {
        private final RkeStandin.Builder standin;
        private final Path tmp;
        private final EtcdCluster etcd;
        private String extraYaml = "";
        private String stateJson = "{\"desiredState\": {\"rkeConfig\": {}}, \"currentState\": {}}\n";
        private Duration timeout = Duration.ofSeconds(60);
        private final java.util.Map<String, RkeStandin.Fault[]> faults = new java.util.HashMap<>();

        Builder(EtcdCluster etcd, String version, Path tmp) {
            this.etcd = etcd;
            this.tmp = tmp;
            this.standin = RkeStandin.builder(version, tmp.resolve("standin")).etcd(etcd)
                    .s3Credentials(ACCESS_KEY, SECRET_KEY).bucket("backups");
        }

        Builder fault(String host, RkeStandin.Fault... f) {
            faults.put(host, f);
            return this;
        }

        Builder unreachable(String host) {
            standin.unreachableNode(host);
            return this;
        }

        Builder yaml(String extra) {
            this.extraYaml = extra;
            return this;
        }

        Builder noStateFile() {
            this.stateJson = null;
            return this;
        }

        Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        Builder configure(java.util.function.Consumer<RkeStandin.Builder> c) {
            c.accept(standin);
            return this;
        }

        Cluster build() {
            for (int i = 0; i < ETCD_HOSTS.size(); i++) {
                String h = ETCD_HOSTS.get(i);
                standin.node(h, i % etcd.size(), faults.getOrDefault(h, new RkeStandin.Fault[0]));
            }
            RkeStandin s = standin.build();
            try {
                Path dir = Files.createDirectories(tmp.resolve("cluster"));
                Path cfg = dir.resolve("rancher-cluster.yml");
                Files.writeString(cfg, s.clusterYaml(extraYaml));
                if (stateJson != null) {
                    Files.writeString(dir.resolve("rancher-cluster.rkestate"), stateJson);
                }
                Path work = Files.createDirectories(tmp.resolve("work"));
                return new Cluster(s, dir, cfg, work, timeout);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
