/**
 * The RKE cluster config ({@code cluster.yml}, {@code rancher-cluster.yml}): a bounded, version-aware parser into an
 * immutable model ({@link dev.rkebackup.rke.config.ClusterConfig}), an inspection of what RKE will really do with the
 * backup settings ({@link dev.rkebackup.rke.config.ConfigInspector}, {@link dev.rkebackup.rke.config.ConfigInspection}
 * with stable {@link dev.rkebackup.rke.config.WarningCode}s), and byte-preserving edits
 * ({@link dev.rkebackup.rke.config.ConfigEditor}).
 *
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.load(Path.of("rancher-cluster.yml"));
 * ConfigInspection report = ConfigInspector.inspect(config, RkeVersion.parse("rke version v1.4.3"));
 * System.out.println(report.toText());
 * ConfigEditor edit = ConfigEditor.of(config).withS3(s3Settings);
 * System.out.println(edit.diff());
 * edit.apply();   // keeps rancher-cluster.yml.bak, replaces the file atomically
 * }</pre>
 *
 * <p>All types are immutable and thread-safe. Secrets (S3 keys, inline SSH keys) are held as
 * {@link dev.rkebackup.core.Secret} and never appear in {@code toString}, reports, diffs or exception messages.
 */
package dev.rkebackup.rke.config;
