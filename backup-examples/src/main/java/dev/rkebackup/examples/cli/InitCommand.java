package dev.rkebackup.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.storage.ObjectStore;
import dev.rkebackup.crypto.KeyEncryptionKey;
import dev.rkebackup.crypto.KeyInfo;
import dev.rkebackup.crypto.RepositoryKeys;
import dev.rkebackup.crypto.UnlockedKey;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rke-backup init}: create an encrypted, authenticated repository. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create an encrypted, authenticated repository in an empty store: a random master key wrapped"
                + " by a password (--password-file F, RKE_BACKUP_PASSWORD_FILE or RKE_BACKUP_PASSWORD) and/or by"
                + " age X25519 recipients (--age-recipient, a break-glass key kept offline). Every later command on"
                + " the store needs one of these keys.")
final class InitCommand implements Callable<Integer> {
    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--age-recipient", paramLabel = "age1...",
            description = "Also wrap the master key for this age recipient (repeatable); 'age -d -i identity'"
                    + " decrypts the key object it gets.")
    List<String> ageRecipients = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object and nothing else on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (storeOptions.ageIdentity != null) {
            throw new InvalidInputException("--age-identity unlocks an existing repository; to create one, give"
                    + " the recipient instead: --age-recipient age1... (age-keygen -y F prints it)");
        }
        List<KeyEncryptionKey> keks = new ArrayList<>();
        KeySources.password(storeOptions.passwordFile).ifPresent(p -> keks.add(KeyEncryptionKey.password(p)));
        for (String r : ageRecipients) {
            keks.add(KeyEncryptionKey.ageRecipient(r));
        }
        if (keks.isEmpty()) {
            throw new InvalidInputException("init needs at least one key: a password with --password-file F, "
                    + KeySources.PASSWORD_FILE_ENV + "=F or " + KeySources.PASSWORD_ENV
                    + ", and/or --age-recipient age1...");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ObjectStore store = storeOptions.open()) {
            RepositoryKeys keys = RepositoryKeys.of(store);
            UnlockedKey key = keys.init(keks);
            List<KeyInfo> list = keys.list();
            if (json) {
                ObjectNode n = Json.object();
                n.put("repositoryId", key.repositoryId());
                n.put("scheme", key.scheme());
                n.put("store", store.describe());
                ArrayNode arr = n.putArray("keys");
                list.forEach(k -> arr.addObject().put("id", k.id()).put("type", k.type()));
                Json.print(out, n);
            } else {
                out.printf("initialised encrypted repository %s in %s (%s)%n", key.repositoryId(), store.describe(),
                        key.scheme());
                list.forEach(k -> out.printf("  key %s  %s%n", k.id(), k.type()));
                out.println("Keep the password and the age identity safe: without one of them no set can be read.");
            }
        }
        return RkeBackupCli.OK;
    }
}
