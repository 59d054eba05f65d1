package dev.latchkey.cli;

import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import java.io.Console;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lockctl release NAME --uri URI --force [--yes]}: frees a lock whoever holds it, for an
 * operator cleaning up after a dead holder. The holder's lease is lost. Asks on the terminal first;
 * without a terminal it needs {@code --yes}.
 */
@Command(name = "release", description = "Force-release a lock, whoever holds it; the holder loses its lease. "
        + "Asks for confirmation on the terminal; with no terminal, --yes is required.")
final class ReleaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    Options.Target target;
    @Mixin
    Options.JsonOption output;

    @Option(names = "--force", description = "Required: acknowledges that someone else's hold is ended (lockctl holds no lease of its own).")
    boolean force;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    public Integer call() {
        if (!force) {
            throw new ParameterException(spec.commandLine(),
                    "release ends someone else's hold; pass --force to confirm that is what you want");
        }
        Console console = System.console();
        if (!yes && console == null) {
            throw new CliException(ExitCodes.USAGE, "refusing to force-release '" + target.name
                    + "' without confirmation: no terminal to ask on; pass --yes to release anyway");
        }
        try (Backends backends = new Backends(); LockClient client = backends.open(target.uri)) {
            Optional<LockInfo> before = client.inspect(target.name);
            if (!yes && !confirm(console, before)) {
                throw new CliException(ExitCodes.CHECK_FAILED, "not released: declined");
            }
            boolean removed = client.forceRelease(target.name);
            print(removed, before.orElse(null), client);
            return ExitCodes.OK;
        }
    }

    private boolean confirm(Console console, Optional<LockInfo> before) {
        String what = before.filter(LockInfo::isHeld)
                .map(i -> " held by " + Text.abbreviate(i.holder()) + " (fencing " + i.fencingToken() + ", "
                        + Text.duration(i.remaining()) + " left)")
                .orElse(before.isPresent() ? " (currently free)" : "");
        String answer = console.readLine("Force-release lock '%s'%s? The holder loses it. [y/N] ", target.name, what);
        return answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("y");
    }

    private void print(boolean removed, LockInfo before, LockClient client) {
        if (output.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", true);
            m.put("lock", target.name);
            m.put("backend", client.describe());
            m.put("released", removed);
            m.put("formerHolder", before == null ? null : before.holder());
            Json.print(spec.commandLine().getOut(), m);
        } else if (removed) {
            spec.commandLine().getOut().println("released '" + target.name + "'"
                    + (before != null && before.isHeld() ? " (was held by " + Text.abbreviate(before.holder()) + ")" : ""));
        } else {
            spec.commandLine().getOut().println("'" + target.name + "' was not held; nothing released");
        }
    }
}
