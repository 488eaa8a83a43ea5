/**
 * An {@link dev.rkebackup.core.storage.ObjectStore} on a directory of an SSH server, over SFTP: host keys checked
 * against known_hosts, key files or the SSH agent, atomic puts, files 0600 and directories 0700, a bounded pool of
 * connections.
 *
 * <p>Entry points: {@link dev.rkebackup.sftp.SftpObjectStore#builder} and the {@code sftp://} URI handled by
 * {@link dev.rkebackup.sftp.SftpObjectStoreFactory} through
 * {@link dev.rkebackup.core.storage.ObjectStores#open(String)}. Types in {@code dev.rkebackup.sftp.internal} are not a
 * published API.
 */
package dev.rkebackup.sftp;
