/**
 * An {@link dev.rkebackup.core.storage.ObjectStore} on Azure Blob Storage: block blobs staged in parallel from
 * bounded buffers and committed at the end, credentials from a shared key, a SAS token or a connection string.
 *
 * <p>Entry points: {@link dev.rkebackup.azure.AzureBlobObjectStore#builder} and the {@code azure://} URI handled by
 * {@link dev.rkebackup.azure.AzureBlobObjectStoreFactory} through
 * {@link dev.rkebackup.core.storage.ObjectStores#open(String)}.
 */
package dev.rkebackup.azure;
