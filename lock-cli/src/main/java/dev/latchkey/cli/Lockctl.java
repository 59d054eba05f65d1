package dev.latchkey.cli;

import dev.latchkey.LockLostException;
import dev.latchkey.LockTimeoutException;
import dev.latchkey.LockUnavailableException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code lockctl}: the Latchkey command line. {@link #main} runs it and exits with one of
 * {@link ExitCodes}; tests call {@link #commandLine()} and {@code execute(...)} in-process.
 *
 * <p>Errors end as one line on stderr, {@code lockctl <command>: <message>}, and an exit code:
 * a lock lost or not obtained in time 1, bad arguments 2, unreachable backend 3, anything
 * unexpected 4 with its stack trace.
 *
 * <p>Thread-safety: each {@link #commandLine()} is independent; use one from one thread at a time.
 * On lease loss: lockctl holds leases only inside a command (the demo's workers, {@code hold}); a
 * loss is recorded by the demo and reported, and ends {@code hold} with exit 1.
 */
@Command(name = "lockctl",
        mixinStandardHelpOptions = true,
        versionProvider = Lockctl.Version.class,
        subcommands = {DemoCommand.class, TckCommand.class, BenchCommand.class, InspectCommand.class,
                ReleaseCommand.class, HoldCommand.class, CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true,
        description = {"Latchkey distributed locks: watch them contend, check what they guarantee, operate them.",
                "",
                "Backends are named by URI: inmemory:, redis-lua://host:port, redis-getset://host:port?mode=article. "
                        + "In a redis-* URI the host 'embedded' (e.g. redis-lua://embedded) starts a throw-away redis-server "
                        + "(from the PATH, else the binary bundled in the jar) for the duration of the command."})
public final class Lockctl implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command; try 'lockctl demo' or 'lockctl --help'");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** A fresh, fully configured command line (converters, exit codes, error handling). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Lockctl());
        Options.registerConverters(cli);
        cli.setExecutionExceptionHandler(Lockctl::handle);
        cli.setParameterExceptionHandler(Lockctl::invalidInput);
        configure(cli);
        return cli;
    }

    private static void configure(CommandLine cli) {
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.help());
        cli.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        cli.getCommandSpec().exitCodeOnExecutionException(ExitCodes.INTERNAL);
        cli.getSubcommands().values().forEach(Lockctl::configure);
    }

    /** A usage error: the message, any "did you mean", and where to find help; no usage dump. */
    private static int invalidInput(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        String name = cli.getCommandSpec().qualifiedName();
        err.println(cli.getColorScheme().errorText(name + ": " + e.getMessage()));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + name + " --help' for more information.");
        return cli.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Turns an exception from a command into a message on stderr and an exit code. */
    private static int handle(Exception e, CommandLine cli, ParseResult parsed) {
        PrintWriter err = cli.getErr();
        String prefix = cli.getCommandSpec().qualifiedName() + ": ";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CliException c) {
                err.println(cli.getColorScheme().errorText(prefix + c.getMessage()));
                return c.exitCode;
            }
            if (t instanceof LockUnavailableException u) {
                err.println(cli.getColorScheme().errorText(prefix + "backend unreachable: " + u.getMessage()));
                return ExitCodes.UNREACHABLE;
            }
            if (t instanceof LockLostException || t instanceof LockTimeoutException) {
                err.println(cli.getColorScheme().errorText(prefix + t.getMessage()));
                return ExitCodes.CHECK_FAILED;
            }
        }
        if (e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException) {
            err.println(cli.getColorScheme().errorText(prefix + e.getMessage()));
            err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        }
        err.println(cli.getColorScheme().errorText(prefix + "internal error: " + e));
        e.printStackTrace(err);
        return ExitCodes.INTERNAL;
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Lockctl.class.getPackage().getImplementationVersion();
            return new String[] {"lockctl " + (v == null ? "(development build)" : v)};
        }
    }
}
