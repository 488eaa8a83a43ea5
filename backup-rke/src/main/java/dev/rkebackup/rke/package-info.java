/**
 * RKE (RKE1) specifics shared by the whole module. {@link dev.rkebackup.rke.RkeVersion} parses what
 * {@code rke --version} prints and answers which backup behaviour a version has (snapshot format, state file, S3,
 * known bugs), following the project's verified RKE facts.
 *
 * <p>Sub-packages: {@code dev.rkebackup.rke.config} reads, inspects and safely edits cluster configs. Packages named
 * {@code internal} are not a published API and may change in any release.
 */
package dev.rkebackup.rke;
