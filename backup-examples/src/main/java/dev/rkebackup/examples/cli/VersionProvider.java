package dev.rkebackup.examples.cli;

import picocli.CommandLine;

/** Prints the tool's version from the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = RkeBackupCli.class.getPackage().getImplementationVersion();
        return new String[] {"rke-backup " + (v == null ? "development build" : v)};
    }
}
