package dev.latchkey.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code lockctl}: the Latchkey command line. {@link #main} runs it and exits with one of
 * {@link ExitCodes}; tests call {@link #commandLine()} and {@code execute(...)} in-process.
 *
 * <p>Every failure ends as one line on stderr, {@code lockctl <command>: <message>}, and the exit
 * code that {@link ExitCodes#of(Throwable)} maps it to (an unexpected exception adds its stack
 * trace). With {@code --json}, stdout carries exactly one JSON document on every path: the result,
 * or {@code {"ok": false, "exitCode": N, "error": "..."}}, or the help or version text.
 *
 * <p>Thread-safety: each {@link #commandLine()} is independent; use one from one thread at a time.
 * On lease loss: lockctl holds leases only inside a command (the demo's participants, {@code hold});
 * a loss is recorded by the demo and reported, and ends {@code hold} with exit 1.
 */
@Command(name = "lockctl",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = Lockctl.Version.class,
        subcommands = {DemoCommand.class, TckCommand.class, BenchCommand.class, InspectCommand.class,
                ReleaseCommand.class, HoldCommand.class, CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true,
        description = {"Latchkey distributed locks: watch them contend, check what they guarantee, operate them.",
                "",
                "Backends are named by URI, e.g. inmemory: or " + Defaults.EXAMPLE_URI + "; every provider on the class "
                        + "path is found through ServiceLoader. The host 'embedded' (e.g. scheme://embedded) starts a "
                        + "throw-away redis-server (from the PATH, else the binary bundled in the jar) in a temporary "
                        + "directory, for the duration of the command."})
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
        cli.setExitCodeExceptionMapper(ExitCodes::of);
        cli.setExecutionStrategy(Lockctl::execute);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> fail(cmd, e, parsed.originalArgs().toArray(String[]::new)));
        cli.setParameterExceptionHandler((e, args) -> fail(e.getCommandLine(), e, args));
        configure(cli);
        return cli;
    }

    private static void configure(CommandLine cli) {
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.help());
        cli.getSubcommands().values().forEach(Lockctl::configure);
    }

    /** Runs the command; with {@code --json}, help and version requests answer in JSON too. */
    private static int execute(ParseResult parsed) {
        if (wantsJson(parsed.originalArgs().toArray(String[]::new))) {
            for (ParseResult p = parsed; p != null; p = p.subcommand()) {
                CommandLine c = p.commandSpec().commandLine();
                if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("ok", true);
                    doc.put(p.isUsageHelpRequested() ? "help" : "version", p.isUsageHelpRequested()
                            ? c.getUsageMessage(Ansi.OFF) : String.join("\n", c.getCommandSpec().version()));
                    Json.print(c.getOut(), doc);
                    return ExitCodes.OK;
                }
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /**
     * One line on stderr (picocli's "did you mean" suggestions for a mistyped option or command) and,
     * with {@code --json}, the error document on stdout; an unexpected exception adds its stack trace.
     */
    private static int fail(CommandLine cli, Exception e, String[] args) {
        int code = cli.getExitCodeExceptionMapper().getExitCode(e);
        String message = ExitCodes.message(e);
        String name = cli.getCommandSpec().qualifiedName();
        PrintWriter err = cli.getErr();
        err.println(cli.getColorScheme().errorText(name + ": " + message
                + (code == ExitCodes.USAGE ? " (see '" + name + " --help')" : "")));
        if (e instanceof ParameterException p) {
            UnmatchedArgumentException.printSuggestions(p, err);
        }
        if (code == ExitCodes.INTERNAL) {
            e.printStackTrace(err);
        }
        err.flush();
        if (wantsJson(args)) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ok", false);
            doc.put("exitCode", code);
            doc.put("error", message);
            Json.print(cli.getOut(), doc);
        }
        return code;
    }

    private static boolean wantsJson(String[] args) {
        return Arrays.asList(args).contains("--json");
    }

    /** The version Maven wrote into {@code version.txt} when it built lockctl. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            try (InputStream in = Lockctl.class.getResourceAsStream("version.txt")) {
                String v = in == null ? "(unknown version)" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                return new String[] {"lockctl " + v};
            }
        }
    }
}
