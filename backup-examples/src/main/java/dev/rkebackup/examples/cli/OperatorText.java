package dev.rkebackup.examples.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns library messages, which may name the Java API that fixes a problem ({@code RkeBinary.at(path)},
 * {@code allowIncomplete}), into the words of this tool: its flags and URI options. Stateless.
 */
final class OperatorText {
    /** Library phrase → CLI phrase, applied in order. */
    private static final Map<String, String> PHRASES = new LinkedHashMap<>();

    static {
        PHRASES.put("(allowIncomplete / --allow-incomplete)", "(--allow-incomplete)");
        PHRASES.put("pass its path explicitly (RkeBinary.at(path))", "pass its path with --rke PATH");
        PHRASES.put("pass that CA with customCaPem(..) or customCaFile(..) (ca-file= in the s3:// URI, custom_ca in "
                + "RKE's s3backupconfig)", "pass that CA with ca-file=/path/ca.pem in the s3:// store URI (custom_ca "
                + "in RKE's s3backupconfig)");
        PHRASES.put("check the CA (customCa / ca-file / custom_ca)", "check the CA (ca-file= in the store URI, "
                + "custom_ca in RKE's s3backupconfig)");
        PHRASES.put("; insecureSkipTlsVerify(true) is for tests only",
                "; insecure-skip-tls-verify=true in the store URI is for tests only");
        PHRASES.put("; load it with ClusterConfig.load(path)", "; give it with --config FILE");
        PHRASES.put("load it with ClusterConfig.load(path)", "give it with --config FILE");
    }

    private OperatorText() {
    }

    /**
     * Rewrites a library message for the command line.
     *
     * @param message the message
     * @return the message in CLI words
     */
    static String of(String message) {
        String out = message;
        for (Map.Entry<String, String> e : PHRASES.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }
}
