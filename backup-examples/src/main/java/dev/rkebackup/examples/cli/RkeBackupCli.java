package dev.rkebackup.examples.cli;

import dev.rkebackup.core.BackupException;
import dev.rkebackup.core.CommandException;
import dev.rkebackup.core.InvalidInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code rke-backup} command-line tool. Exit codes: 0 success; 1 the operation ran and failed; 2 bad usage or
 * bad input; 3 ({@code backup} only) a complete, verified set was stored, but the snapshot step did not fully
 * succeed (some hosts failed or were unreachable, rke panicked after saving, an upload failed). Errors go to stderr
 * as lines starting with {@code error:}; a stack trace only with {@code --verbose}.
 */
@Command(name = "rke-backup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Back up and restore-prepare Rancher HA clusters installed with RKE (RKE1).",
        subcommands = {InspectCommand.class, CheckCommand.class, EnableRecurringCommand.class, SnapshotCommand.class,
                BackupCommand.class, ListCommand.class,
            VerifyCommand.class, PruneCommand.class, FetchCommand.class, PrepareRestoreCommand.class,
            InitCommand.class, KeyCommand.class, CopyCommand.class, RestoreCommand.class})
public final class RkeBackupCli implements Runnable {
    /** Success. */
    public static final int OK = 0;
    /** The operation ran and failed. */
    public static final int FAILED = 1;
    /** Bad usage or bad input. */
    public static final int BAD_INPUT = 2;
    /** {@code backup}: the set was stored and verified, but the snapshot step reported a partial failure. */
    public static final int STORED_AFTER_PARTIAL_SNAPSHOT = 3;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Log progress and show stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * Runs the tool.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the tool with the given output streams and returns the exit code instead of exiting.
     *
     * @param args the command line
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        Logging.configure(verbose);
        KeySources.warnings = err;
        CommandLine cl = new CommandLine(new RkeBackupCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            CommandLine c = ex.getCommandLine();
            err.println("error: see '" + c.getCommandSpec().qualifiedName() + " --help'");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            int code = exitCodeOf(ex);
            String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : OperatorText.of(ex.getMessage());
            if (!(ex instanceof BackupException) && !(ex instanceof IllegalArgumentException)) {
                msg = "unexpected failure: " + msg + " (run with --verbose for details)";
            }
            for (String line : msg.split("\n")) {
                err.println("error: " + line);
            }
            if (ex instanceof CommandException ce && !ce.outputTail().isBlank()) {
                err.println("error: last output of the command:");
                for (String line : ce.outputTail().split("\n")) {
                    err.println("error:   " + line);
                }
            }
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        cl.setExitCodeExceptionMapper(RkeBackupCli::exitCodeOf);
        return cl.execute(args);
    }

    static int exitCodeOf(Throwable t) {
        if (t instanceof InvalidInputException || t instanceof CommandLine.ParameterException
                || t instanceof IllegalArgumentException) {
            return BAD_INPUT;
        }
        if (t instanceof ExitCodeException e) {
            return e.code();
        }
        return FAILED;
    }
}
