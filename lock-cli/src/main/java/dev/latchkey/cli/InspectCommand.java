package dev.latchkey.cli;

import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lockctl inspect NAME --uri URI}: who holds a lock, its fencing token, lease left, waiters. */
@Command(name = "inspect", description = "Show a lock's holder (abbreviated token), fencing token, remaining lease and waiters.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    Options.Target target;
    @Mixin
    Options.JsonOption output;

    @Override
    public Integer call() {
        try (Backends backends = new Backends(); LockClient client = backends.open(target.uri)) {
            LockInfo info = client.inspect(target.name).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                    "backend " + client.describe() + " cannot inspect locks"));
            if (output.json) {
                Json.print(spec.commandLine().getOut(), json(info, client));
            } else {
                spec.commandLine().getOut().println(text(info, client));
            }
            return ExitCodes.OK;
        }
    }

    private String text(LockInfo info, LockClient client) {
        Ansi ansi = spec.commandLine().getColorScheme().ansi();
        StringBuilder s = new StringBuilder();
        row(s, "lock", info.name());
        row(s, "backend", client.describe());
        row(s, "state", Text.markup(ansi, info.isHeld() ? "@|bold,yellow held|@" : "@|green free|@"));
        if (info.isHeld()) {
            row(s, "holder", Text.abbreviate(info.holder()));
            row(s, "remaining", Text.duration(info.remaining()));
        }
        row(s, "fencing", info.fencingToken() == 0 ? "0 (none issued or not supported)" : Long.toString(info.fencingToken()));
        row(s, "waiters", info.waiters() < 0 ? "unknown" : Integer.toString(info.waiters()));
        return s.toString().stripTrailing();
    }

    private static void row(StringBuilder s, String key, String value) {
        s.append(Text.pad(key, 11)).append(value).append('\n');
    }

    static Map<String, Object> json(LockInfo info, LockClient client) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        m.put("lock", info.name());
        m.put("backend", client.describe());
        m.put("held", info.isHeld());
        m.put("holder", info.holder());
        m.put("fencingToken", info.fencingToken());
        m.put("remainingMillis", info.remaining().toMillis());
        m.put("waiters", info.waiters() < 0 ? null : info.waiters());
        return m;
    }
}
