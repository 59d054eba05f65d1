package dev.latchkey.cli;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and null as indented JSON, for {@code --json}.
 * Keys keep the map's order. Stateless.
 */
final class JsonWriter {
    private JsonWriter() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, "");
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, String indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            writeAll(out, map.entrySet().iterator(), indent, '{', '}');
        } else if (value instanceof Collection<?> list) {
            writeAll(out, list.iterator(), indent, '[', ']');
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            string(out, value.toString());
        }
    }

    private static void writeAll(StringBuilder out, Iterator<?> items, String indent, char open, char close) {
        out.append(open);
        if (!items.hasNext()) {
            out.append(close);
            return;
        }
        String inner = indent + "  ";
        while (items.hasNext()) {
            Object item = items.next();
            out.append('\n').append(inner);
            if (item instanceof Map.Entry<?, ?> e) {
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), inner);
            } else {
                write(out, item, inner);
            }
            if (items.hasNext()) {
                out.append(',');
            }
        }
        out.append('\n').append(indent).append(close);
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
