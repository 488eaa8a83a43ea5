package dev.rkebackup.rke.config;

/** How serious a {@link ConfigWarning} is. */
public enum Severity {
    /** Worth knowing; nothing is wrong. */
    INFO,
    /** RKE will not do what the file seems to say, or a restore may lack something. */
    WARNING,
    /** Backups cannot work with this config until it is fixed. */
    ERROR
}
