package dev.chromaj.cli;

import dev.chromaj.ChromaException;
import dev.chromaj.StorageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code chromaj} command: operations on a chromaj folder (or S3 prefix) from a shell. Run it as
 * {@code java -jar chromaj-cli.jar <command> ...}; {@code --help} on every command lists its options.
 *
 * <p>Exit codes: {@value #OK} success; {@value #PROBLEMS_FOUND} the command ran and found problems
 * ({@code verify}); {@value #USAGE} bad usage (unknown command or option, missing or malformed argument);
 * {@value #FAILED} the operation was refused or failed (no such collection, invalid input, a Chroma folder that
 * cannot be imported, a folder in use); {@value #STORAGE} storage or I/O failure (disk, S3).
 */
@Command(
        name = "chromaj",
        mixinStandardHelpOptions = true,
        versionProvider = ChromajCli.Version.class,
        description = "Operations on a chromaj folder or S3 prefix.",
        subcommands = {
            StatsCommand.class,
            CompactCommand.class,
            GcCommand.class,
            VerifyCommand.class,
            ImportChromaCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            CostCommand.class,
            QueryCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the command found problems (verify: damaged or missing objects)",
            "2:bad usage: unknown command or option, missing or malformed argument",
            "3:the operation was refused or failed (not found, invalid input, folder in use, cannot import)",
            "4:storage or I/O failure (disk, S3)"
        })
public final class ChromajCli implements Runnable {
    /** Exit code of a command that succeeded. */
    public static final int OK = 0;
    /** Exit code of a command that ran and found problems (e.g. {@code verify}). */
    public static final int PROBLEMS_FOUND = 1;
    /** Exit code of bad usage (picocli's own). */
    public static final int USAGE = 2;
    /** Exit code of an operation that was refused or failed. */
    public static final int FAILED = 3;
    /** Exit code of a storage or I/O failure. */
    public static final int STORAGE = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Only the subcommands do something; alone, the command prints its usage. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /**
     * A command line ready to run, writing its output and errors to the given writers (for tests and embedding).
     *
     * @param out where results go
     * @param err where progress, warnings and errors go
     * @return the command line; call {@link CommandLine#execute(String...)} on it
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new ChromajCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(ChromajCli::handle);
        cli.setParameterExceptionHandler(ChromajCli::usageError);
        return cli;
    }

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        for (String arg : args) {
            if (arg.equals("-v") || arg.equals("--verbose")) {
                // Read by slf4j-simple when the first logger is created, which has not happened yet.
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            }
        }
        PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
        PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Bad usage: the message and where to find help, rather than the whole usage text. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getColorScheme().errorText("error: " + e.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return USAGE;
    }

    /** Maps what a command threw to a message and an exit code. */
    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        int code;
        if (e instanceof StorageException || e instanceof IOException || e instanceof UncheckedIOException) {
            code = STORAGE;
        } else if (e instanceof ChromaException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            code = FAILED;
        } else {
            err.println(commandLine.getColorScheme().stackTraceText(e));
            code = FAILED;
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        err.println(commandLine.getColorScheme().errorText(String.format(Locale.ROOT, "error: %s", message)));
        err.flush();
        return code;
    }

    /** The library version, from the jar manifest when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ChromajCli.class.getPackage().getImplementationVersion();
            return new String[] {"chromaj " + (v == null ? "(development build)" : v)};
        }
    }
}
