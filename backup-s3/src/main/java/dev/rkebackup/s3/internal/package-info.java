/**
 * Implementation details of the S3 store (client construction, uploads, error mapping, TLS trust). Not a published
 * API: anything here may change in any release.
 */
package dev.rkebackup.s3.internal;
