/** Internals of the Azure Blob store; not a published API. */
package dev.rkebackup.azure.internal;
