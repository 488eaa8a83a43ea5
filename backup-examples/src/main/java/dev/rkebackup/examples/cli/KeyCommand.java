package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.crypto.KeyRequiredException;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.crypto.KeyEncryptionKey;
import dev.rkebackup.crypto.KeyInfo;
import dev.rkebackup.crypto.RepositoryKeys;
import dev.rkebackup.crypto.UnlockedKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rke-backup key list|add|remove|passwd}: the key-encryption keys of an encrypted repository. */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = "Manage the keys of an encrypted repository. Changes re-wrap the master key only: no backup"
                + " set is rewritten.",
        subcommands = {KeyCommand.ListKeys.class, KeyCommand.Add.class, KeyCommand.Remove.class,
            KeyCommand.Passwd.class})
final class KeyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a key command is required: list, add, remove"
                + " or passwd");
    }

    static UnlockedKey unlock(RepositoryKeys keys, StoreOptions o, ObjectStore store) {
        return keys.unlock(o.credential().orElseThrow(() -> new KeyRequiredException(store.describe()
                + " is an encrypted repository; give one of its keys: " + KeySources.WAYS)));
    }

    /** {@code key list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the keys (no key needed): id, type, creation time, parameters.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        StoreOptions storeOptions;

        @Option(names = "--json", description = "Print one JSON array and nothing else on stdout.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (ObjectStore store = storeOptions.open()) {
                var keys = RepositoryKeys.of(store).list();
                if (json) {
                    ArrayNode arr = Json.array();
                    for (KeyInfo k : keys) {
                        arr.addObject().put("id", k.id()).put("type", k.type())
                                .put("createdAt", k.createdAt().toString()).put("detail", k.detail())
                                .put("usable", k.usable());
                    }
                    Json.print(out, arr);
                } else {
                    for (KeyInfo k : keys) {
                        out.printf("%s  %-8s  %s  %s%s%n", k.id(), k.type(), k.createdAt(), k.detail(),
                                k.usable() ? "" : "  UNUSABLE");
                    }
                }
            }
            return RkeBackupCli.OK;
        }
    }

    /** {@code key add}. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a key: a new password (--new-password-file F) or an age recipient (--age-recipient)."
                    + " Unlock with an existing key first (--password-file, --age-identity or the variables).")
    static final class Add implements Callable<Integer> {
        @Mixin
        StoreOptions storeOptions;

        @Option(names = "--new-password-file", paramLabel = "F", description = "The new password: first line of F.")
        Path newPasswordFile;

        @Option(names = "--age-recipient", paramLabel = "age1...", description = "The new age X25519 recipient.")
        String ageRecipient;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if ((newPasswordFile == null) == (ageRecipient == null)) {
                throw new InvalidInputException("key add needs exactly one new key: --new-password-file F or"
                        + " --age-recipient age1...");
            }
            KeyEncryptionKey kek = ageRecipient != null ? KeyEncryptionKey.ageRecipient(ageRecipient)
                    : KeyEncryptionKey.password(KeySources.readPasswordFile(newPasswordFile, "--new-password-file"));
            try (ObjectStore store = storeOptions.open()) {
                RepositoryKeys keys = RepositoryKeys.of(store);
                KeyInfo k = keys.add(unlock(keys, storeOptions, store), kek);
                spec.commandLine().getOut().printf("added %s key %s%n", k.type(), k.id());
            }
            return RkeBackupCli.OK;
        }
    }

    /** {@code key remove}. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a key by id (key list shows them). The last usable key cannot be removed.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        StoreOptions storeOptions;

        @Parameters(paramLabel = "ID", description = "The key to remove.")
        String keyId;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (ObjectStore store = storeOptions.open()) {
                RepositoryKeys keys = RepositoryKeys.of(store);
                keys.remove(unlock(keys, storeOptions, store), keyId);
                spec.commandLine().getOut().printf("removed key %s%n", keyId);
            }
            return RkeBackupCli.OK;
        }
    }

    /** {@code key passwd}. */
    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = "Change a password: unlock with the current one (--password-file or the variables), give"
                    + " the new one with --new-password-file F. Replaces the key that unlocked, or --key ID.")
    static final class Passwd implements Callable<Integer> {
        @Mixin
        StoreOptions storeOptions;

        @Option(names = "--new-password-file", required = true, paramLabel = "F",
                description = "The new password: first line of F.")
        Path newPasswordFile;

        @Option(names = "--key", paramLabel = "ID", description = "The password key to replace (default: the one"
                + " that unlocked).")
        String keyId;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            var newPassword = KeySources.readPasswordFile(newPasswordFile, "--new-password-file");
            try (ObjectStore store = storeOptions.open()) {
                RepositoryKeys keys = RepositoryKeys.of(store);
                UnlockedKey k = unlock(keys, storeOptions, store);
                String target = keyId != null ? keyId : k.keyId();
                if (keyId == null && !k.keyType().equals("password")) {
                    throw new InvalidInputException("the repository was unlocked with an age identity; name the"
                            + " password key to change with --key ID (key list shows them)");
                }
                KeyInfo added = keys.changePassword(k, target, newPassword);
                spec.commandLine().getOut().printf("replaced password key %s by %s%n", target, added.id());
            }
            return RkeBackupCli.OK;
        }
    }
}
