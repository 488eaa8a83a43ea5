/**
 * Implementation details of node access (MINA wiring, SFTP helpers, agent client). Not public API: may change in any
 * release.
 */
package dev.rkebackup.rke.node.internal;
